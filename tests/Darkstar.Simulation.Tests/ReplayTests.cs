using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Home;
using Darkstar.Testing;

namespace Darkstar.Simulation.Tests;

public sealed class ReplayTests
{
    private static string Folder => SharedData.PathOf("konstanz-home");

    [SharedDataFact]
    public async Task ReplayedDay_HourlyStatistics_ChangeEqualsTheDatasetsHourlyDeltas()
    {
        var readings = ReadMeters(Path.Combine(Folder, "meters.csv"));
        var zone = TimeZones.Find("Europe/Berlin");
        var day = FirstCompleteDay(readings, zone, new DateOnly(2016, 5, 1));
        var dayStart = SlotGrid.StartOfLocalDay(day, zone);
        await using var home = new SimulatedHome(new SimulatedHomeOptions
        {
            HomeFolder = Folder,
            ClockMode = SimulationClockMode.Stepped,
            Start = dayStart.AddHours(-1),
        });
        await home.StartAsync(CancellationToken.None);
        // The data set's home has no battery: hold ours so the grid meters replay as measured.
        home.Model.CallService("select", "select_option", new JsonObject { ["option"] = WorkModes.Hold },
            new JsonObject { ["entity_id"] = EntityIds.WorkMode }, false, home.Clock.GetUtcNow(), null);

        await home.AdvanceAsync(TimeSpan.FromHours(26), CancellationToken.None);
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        var query = RecorderTests.Query(dayStart, dayStart.AddDays(1), "hour", EntityIds.PvEnergy, "change");
        query["statistic_ids"] = new JsonArray(
            EntityIds.PvEnergy, EntityIds.GridImportEnergy, EntityIds.GridExportEnergy, EntityIds.LoadEnergy, EntityIds.HeatPumpEnergy, EntityIds.EvChargerEnergy);
        var result = (await socket.CommandAsync(query))["result"]!;

        Assert.Equal("Europe/Berlin", home.Source.Site.TimeZone.Id);
        var hours = (int)(SlotGrid.StartOfLocalDay(day.AddDays(1), zone) - dayStart).TotalHours;
        var subMeteredHours = 0;
        for (var h = 0; h < hours; h++)
        {
            var start = dayStart.AddHours(h);
            var (import, export, pv) = Delta(readings, start);
            Assert.Equal(pv, Change(result, EntityIds.PvEnergy, h), 3);
            Assert.Equal(import, Change(result, EntityIds.GridImportEnergy, h), 3);
            Assert.Equal(export, Change(result, EntityIds.GridExportEnergy, h), 3);
            Assert.Equal(import - export + pv, Change(result, EntityIds.LoadEnergy, h), 3);
            // The heat pump and the car's charger replay their own meters, inside the load.
            if (readings[start].HeatPump is { } heatPumpFrom && readings[start.AddHours(1)].HeatPump is { } heatPumpTo
                && readings[start].Car is { } carFrom && readings[start.AddHours(1)].Car is { } carTo)
            {
                Assert.Equal(heatPumpTo - heatPumpFrom, Change(result, EntityIds.HeatPumpEnergy, h), 3);
                Assert.Equal(carTo - carFrom, Change(result, EntityIds.EvChargerEnergy, h), 3);
                subMeteredHours++;
            }

            Assert.True(Change(result, EntityIds.HeatPumpEnergy, h) + Change(result, EntityIds.EvChargerEnergy, h) <= Change(result, EntityIds.LoadEnergy, h) + 0.002);
        }

        Assert.True(subMeteredHours >= hours / 2, $"only {subMeteredHours} of {hours} hours had both sub-meters' readings");

        // The counters show the meters' own readings.
        var end = readings[dayStart.AddDays(1).AddHours(1)];
        Assert.Equal(end.Pv, home.States.Get(EntityIds.PvEnergy)!.NumericState!.Value, 3);
    }

    [SharedDataFact]
    public void DefaultStart_WithHistory_LateEnoughThatTheHistoryIsTheDatasetsOwn()
    {
        var source = Sources.ReplaySource.Load(Folder);
        var zone = source.Site.TimeZone;

        var plain = source.DefaultStart(DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        var withHistory = source.DefaultStart(DateTimeOffset.UnixEpoch, TimeSpan.FromDays(30));

        Assert.Equal(SlotGrid.StartOfLocalDay(SlotGrid.LocalDateOf(source.FirstHour, zone).AddDays(2), zone), plain);
        Assert.Equal(SlotGrid.StartOfLocalDay(SlotGrid.LocalDateOf(plain, zone).AddDays(30), zone), withHistory);
        Assert.True(withHistory - TimeSpan.FromDays(30) > source.FirstHour);
    }

    [SharedDataFact]
    public async Task ReplayedHome_Prices_InEurPerKwhFromEurPerMwh()
    {
        await using var home = new SimulatedHome(new SimulatedHomeOptions
        {
            HomeFolder = Folder,
            ClockMode = SimulationClockMode.Stepped,
            Start = new DateTimeOffset(2016, 3, 1, 11, 30, 0, TimeSpan.Zero),
        });
        await home.StartAsync(CancellationToken.None);
        var priceLine = File.ReadLines(Path.Combine(Folder, "prices.csv")).First(l => l.StartsWith("2016-03-01T11:00:00Z", StringComparison.Ordinal));
        var perMwh = double.Parse(priceLine.Split(',')[1], CultureInfo.InvariantCulture);

        var sensor = home.States.Get(EntityIds.NordpoolPrice)!;

        Assert.Equal(perMwh / 1000, sensor.NumericState!.Value, 5);
        Assert.Equal("EUR", sensor.Attributes["currency"]);
        Assert.Equal(24, ((List<Dictionary<string, object?>>)sensor.Attributes["raw_today"]!).Count);
    }

    [Fact]
    public void From_SmallHome_GapSpreadEvenlyPricesPerKwhAndTheMarketOfHomeYaml()
    {
        using var folder = new TempDirectory();
        SmallHome.Write(folder.Path, SmallHome.Yaml.Replace("price_area: DE-LU\ncountry: DE\n", "", StringComparison.Ordinal));
        var start = new DateTimeOffset(2016, 5, 1, 0, 0, 0, TimeSpan.Zero);

        var source = Sources.ReplaySource.From(Core.Datasets.HomeDataset.Load(folder.Path));

        Assert.Equal(new Sources.HomeMarket("EUR", "DE-LU", "DE"), source.Market);
        Assert.Equal((47.66, 9.18, "test-home"), (source.Site.Latitude, source.Site.Longitude, source.Site.Name));
        // Three hours between the import readings 10 and 13: a kWh in each.
        Assert.Equal([1.0, 1.0, 1.0], Enumerable.Range(0, 3).Select(h => source.HourlyEnergy(Sources.MeterNames.GridImport, start.AddHours(h))));
        Assert.Equal(0.5, source.HourlyEnergy(Sources.MeterNames.Pv, start.AddHours(1)), 9);
        Assert.Equal(-0.00225, Assert.Single(source.PricesForDay(new DateOnly(2016, 5, 1))!, p => p.Start == start.AddHours(1)).PricePerKwh, 9);
    }

    [Fact]
    public void From_HomeWithoutCoordinates_FormatErrorNamingHomeYaml()
    {
        using var folder = new TempDirectory();
        SmallHome.Write(folder.Path, "timezone: Europe/Berlin\n");

        var error = Assert.Throws<Core.Datasets.DatasetFormatException>(() => Sources.ReplaySource.Load(folder.Path));

        Assert.Contains("home.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("latitude", error.Message, StringComparison.Ordinal);
    }

    private static double Change(JsonNode result, string entityId, int hour) =>
        result[entityId]![hour]!["change"]!.GetValue<double>();

    private static (double Import, double Export, double Pv) Delta(Dictionary<DateTimeOffset, Reading> readings, DateTimeOffset hour)
    {
        var a = readings[hour];
        var b = readings[hour.AddHours(1)];
        return (b.Import - a.Import, b.Export - a.Export, b.Pv - a.Pv);
    }

    private static DateOnly FirstCompleteDay(Dictionary<DateTimeOffset, Reading> readings, TimeZoneInfo zone, DateOnly from)
    {
        for (var day = from; day < from.AddDays(120); day = day.AddDays(1))
        {
            var start = SlotGrid.StartOfLocalDay(day, zone).AddHours(-1);
            var end = SlotGrid.StartOfLocalDay(day.AddDays(1), zone).AddHours(1);
            var complete = true;
            for (var t = start; t <= end && complete; t = t.AddHours(1))
            {
                complete = readings.ContainsKey(t);
            }

            if (complete)
            {
                return day;
            }
        }

        throw new InvalidOperationException("konstanz-home has no local day with every grid and PV reading in the months searched.");
    }

    private static Dictionary<DateTimeOffset, Reading> ReadMeters(string path)
    {
        var readings = new Dictionary<DateTimeOffset, Reading>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            if (cells[1].Length == 0 || cells[2].Length == 0 || cells[3].Length == 0)
            {
                continue;
            }

            readings[InstantText.Parse(cells[0])] = new Reading(
                double.Parse(cells[1], CultureInfo.InvariantCulture),
                double.Parse(cells[2], CultureInfo.InvariantCulture),
                double.Parse(cells[3], CultureInfo.InvariantCulture),
                Optional(cells, 4),
                Optional(cells, 5));
        }

        return readings;
    }

    private static double? Optional(string[] cells, int column) =>
        column < cells.Length && cells[column].Length > 0 ? double.Parse(cells[column], CultureInfo.InvariantCulture) : null;

    private readonly record struct Reading(double Import, double Export, double Pv, double? HeatPump, double? Car);
}
