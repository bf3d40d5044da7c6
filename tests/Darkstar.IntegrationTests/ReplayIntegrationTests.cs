using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant.Model;
using Darkstar.Testing;
using EntityIds = Darkstar.Simulation.Home.EntityIds;
using WorkModes = Darkstar.Simulation.Home.WorkModes;

namespace Darkstar.IntegrationTests;

/// <summary>A replayed day of the real Konstanz home, read through our client.</summary>
public sealed class ReplayIntegrationTests
{
    /// <summary>Meters are published in kWh with three decimals: two roundings apart at most.</summary>
    private const double Tolerance = 0.0011;

    [SharedDataFact]
    public async Task GetStatisticsDuringPeriodAsync_ReplayedKonstanzDay_HourlyChangeEqualsTheDatasetsDeltas()
    {
        var folder = SharedData.PathOf("konstanz-home");
        var readings = ReadMeters(Path.Combine(folder, "meters.csv"));
        var zone = TimeZones.Find("Europe/Berlin");
        var (day, comparable) = DayWithReadings(readings, zone, new DateOnly(2016, 5, 2));
        var dayStart = SlotGrid.StartOfLocalDay(day, zone);
        var dayEnd = SlotGrid.StartOfLocalDay(day.AddDays(1), zone);
        await using var home = await IntegrationHome.StartAsync(dayStart.AddHours(-1), homeFolder: folder);
        // The data set's home has no battery: hold ours, through our own client, so the grid meters replay as measured.
        await home.Rest().CallServiceAsync(
            new ServiceCall("select", "select_option", new JsonObject { ["option"] = WorkModes.Hold }, ServiceTarget.Entity(EntityIds.WorkMode)),
            CancellationToken.None);
        await home.Home.AdvanceAsync(dayEnd.AddMinutes(5) - home.Now, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
        var client = await home.ConnectedSocketAsync();
        string[] meters = [EntityIds.GridImportEnergy, EntityIds.GridExportEnergy, EntityIds.PvEnergy, EntityIds.LoadEnergy];

        var statistics = await client.GetStatisticsDuringPeriodAsync(
            new StatisticsRequest(meters, dayStart, dayEnd, StatisticsPeriod.Hour, StatisticTypes.Change),
            CancellationToken.None);

        var config = await client.GetConfigAsync(CancellationToken.None);
        Assert.Equal("Europe/Berlin", config.TimeZone);
        var hours = (int)(dayEnd - dayStart).TotalHours;
        foreach (var meter in meters)
        {
            var rows = statistics[meter];
            Assert.Equal(Enumerable.Range(0, hours).Select(h => dayStart.AddHours(h)), rows.Select(r => r.Start));
        }

        Assert.True(comparable.Count >= 20, $"only {comparable.Count} hours of {day} have both neighbouring readings");
        foreach (var hourStart in comparable)
        {
            var before = readings[hourStart];
            var after = readings[hourStart.AddHours(1)];
            var import = after.Import!.Value - before.Import!.Value;
            var export = after.Export!.Value - before.Export!.Value;
            var pv = after.Pv!.Value - before.Pv!.Value;
            var h = (int)(hourStart - dayStart).TotalHours;
            Assert.Equal(import, statistics[EntityIds.GridImportEnergy][h].Change!.Value, Tolerance);
            Assert.Equal(export, statistics[EntityIds.GridExportEnergy][h].Change!.Value, Tolerance);
            Assert.Equal(pv, statistics[EntityIds.PvEnergy][h].Change!.Value, Tolerance);
            Assert.Equal(import - export + pv, statistics[EntityIds.LoadEnergy][h].Change!.Value, 2 * Tolerance);
        }

        Assert.True(comparable.Sum(h => statistics[EntityIds.PvEnergy][(int)(h - dayStart).TotalHours].Change) > 1, "a May day in Konstanz has PV");
    }

    /// <summary>The first local day from <paramref name="from"/> on with at least 20 hours whose start and end readings of every meter exist.</summary>
    private static (DateOnly Day, List<DateTimeOffset> Hours) DayWithReadings(Dictionary<DateTimeOffset, Reading> readings, TimeZoneInfo zone, DateOnly from)
    {
        for (var day = from; day < from.AddDays(90); day = day.AddDays(1))
        {
            var hours = new List<DateTimeOffset>();
            for (var t = SlotGrid.StartOfLocalDay(day, zone); t < SlotGrid.StartOfLocalDay(day.AddDays(1), zone); t = t.AddHours(1))
            {
                if (readings.TryGetValue(t, out var a) && readings.TryGetValue(t.AddHours(1), out var b) && a.IsComplete && b.IsComplete)
                {
                    hours.Add(t);
                }
            }

            if (hours.Count >= 20)
            {
                return (day, hours);
            }
        }

        throw new InvalidOperationException("konstanz-home has no local day with 20 comparable hours in the months searched.");
    }

    private static Dictionary<DateTimeOffset, Reading> ReadMeters(string path)
    {
        static double? Cell(string[] cells, int index) =>
            index < cells.Length && cells[index].Length > 0 ? double.Parse(cells[index], NumberStyles.Float, CultureInfo.InvariantCulture) : null;

        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var import = Array.IndexOf(header, "grid_import_kwh");
        var export = Array.IndexOf(header, "grid_export_kwh");
        var pv = Array.IndexOf(header, "pv_kwh");
        Assert.True(import > 0 && export > 0 && pv > 0, "meters.csv lacks a grid or PV column");
        var readings = new Dictionary<DateTimeOffset, Reading>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            var at = DateTimeOffset.Parse(cells[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            readings[at] = new Reading(Cell(cells, import), Cell(cells, export), Cell(cells, pv));
        }

        return readings;
    }

    private readonly record struct Reading(double? Import, double? Export, double? Pv)
    {
        public bool IsComplete => Import is not null && Export is not null && Pv is not null;
    }
}
