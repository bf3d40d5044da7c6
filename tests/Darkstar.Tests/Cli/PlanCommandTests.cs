using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;

namespace Darkstar.Tests.Cli;

/// <summary>
/// <c>darkstar plan</c> and <c>darkstar oracle --day D</c> in-process, with the simulated home's embedded options
/// (Stockholm, SEK, a 10 kWh battery, a water heater) and a real SQLite file seeded with a winter home: 0.4 kWh of
/// load a slot, no PV, the battery idle at its minimum, import at 0.8 SEK/kWh at night and 3.0 from 17:00 to 20:00.
/// </summary>
public sealed partial class PlanCommandTests : IDisposable
{
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private readonly TempDirectory _temp = new();
    private readonly CliRunner _runner;
    private readonly string _db;

    public PlanCommandTests()
    {
        _runner = new CliRunner(_temp);
        _db = _temp.File("darkstar.db");
    }

    private DateTimeOffset Now => _runner.Clock.GetUtcNow();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} ", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    private static double ImportPriceAt(DateTimeOffset slot) => TimeZoneInfo.ConvertTime(slot, Stockholm).Hour switch
    {
        < 6 => 0.8,
        >= 17 and < 20 => 3.0,
        _ => 1.5,
    };

    private static SlotRange LocalDays(DateOnly first, DateOnly last)
    {
        var start = SlotGrid.LocalDay(first, Stockholm);
        return new SlotRange(start.FirstIndex, (int)(SlotGrid.LocalDay(last, Stockholm).EndIndex - start.FirstIndex));
    }

    /// <summary>Observations over <paramref name="observed"/> (water heated 18:00–19:00, inside the load) and prices over <paramref name="priced"/>.</summary>
    private async Task SeedAsync(SlotRange observed, SlotRange priced)
    {
        var cancellationToken = CancellationToken.None;
        var database = new DarkstarDatabase(_db);
        await new SchemaMigrator(database, _runner.Clock).MigrateAsync(cancellationToken);
        await new PriceRepository(database).UpsertAsync(priced.Select(s => new SlotPrice
        {
            SlotStart = s,
            SpotPrice = ImportPriceAt(s) / 2,
            ImportPrice = ImportPriceAt(s),
            ExportPrice = (ImportPriceAt(s) / 2) + 0.05,
            Source = "test",
            FetchedAt = Now,
        }), cancellationToken);
        await new SlotObservationRepository(database).UpsertAsync(observed.Select(s =>
        {
            var water = TimeZoneInfo.ConvertTime(s, Stockholm).Hour == 18 ? 0.75 : 0;
            return new SlotObservation
            {
                SlotStart = s,
                LoadKwh = 0.4 + water,
                PvKwh = 0,
                WaterKwh = water,
                ImportKwh = 0.4 + water,
                ExportKwh = 0,
                BatteryChargeKwh = 0,
                BatteryDischargeKwh = 0,
                SocStartPercent = 10,
                SocEndPercent = 10,
                ImportPrice = ImportPriceAt(s),
                ExportPrice = (ImportPriceAt(s) / 2) + 0.05,
            };
        }), cancellationToken);
    }

    /// <summary>A week of history up to now, and prices for the next 48 hours.</summary>
    private Task SeedForPlanAsync()
    {
        var nowIndex = SlotGrid.IndexOf(Now);
        return SeedAsync(new SlotRange(nowIndex - (8 * 96), 8 * 96), new SlotRange(nowIndex, 48 * SlotGrid.SlotsPerHour));
    }

    [Fact]
    public async Task Plan_SeededHome_PrintsEverySlotAndTheCostBreakdown()
    {
        await SeedForPlanAsync();

        var result = await _runner.RunAsync("plan", "--db", _db);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.Contains("Plan 1: 192 slots from 2026-11-21T12:00:00Z to 2026-11-23T12:00:00Z", result.Output, StringComparison.Ordinal);
        var rows = TableRow().Matches(result.Output);
        Assert.Equal(192, rows.Count);
        // Local time: 12:00 UTC is 13:00 in Stockholm in November.
        Assert.StartsWith("2026-11-21 13:00 ", rows[0].Value, StringComparison.Ordinal);
        Assert.Contains("Cost (SEK): import ", result.Output, StringComparison.Ordinal);
        Assert.Contains("value of the energy left in the battery", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SLACK USED", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Json_LastLineAddsUpAndMatchesTheStoredPlan()
    {
        await SeedForPlanAsync();

        var result = await _runner.RunAsync("plan", "--db", _db, "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        Assert.Equal("optimal", root.GetProperty("status").GetString());
        Assert.False(root.GetProperty("fallback").GetBoolean());
        Assert.Equal(192, root.GetProperty("slots").GetInt32());
        var start = DateTimeOffset.Parse(root.GetProperty("horizon_start").GetString()!, CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(root.GetProperty("horizon_end").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(Now, start);
        Assert.Equal(TimeSpan.FromHours(48), end - start);
        Assert.Equal(10, root.GetProperty("initial_soc_percent").GetDouble(), 6);
        var importCost = root.GetProperty("import_cost").GetDouble();
        var exportRevenue = root.GetProperty("export_revenue").GetDouble();
        var cycleCost = root.GetProperty("cycle_cost").GetDouble();
        var energyCost = root.GetProperty("energy_cost").GetDouble();
        Assert.Equal(importCost - exportRevenue + cycleCost, energyCost, 3);
        Assert.Equal(0, root.GetProperty("shed_kwh").GetDouble(), 6);

        // The rows in plans and slot_plans are the plan printed.
        var plans = new PlanRepository(new DarkstarDatabase(_db));
        var stored = await plans.ReadLatestAsync(CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(root.GetProperty("plan_id").GetInt64(), stored.Id);
        Assert.Equal(192, stored.SlotCount);
        Assert.Equal(SolveStatus.Optimal, stored.SolverStatus);
        var slots = await plans.ReadSlotsAsync(stored.Id, CancellationToken.None);
        Assert.Equal(192, slots.Count);
        Assert.Equal(Enumerable.Range(0, 192).Select(i => start.AddMinutes(15 * i)), slots.Select(s => s.SlotStart));
        Assert.Equal(energyCost, slots.Sum(s => s.Cost), 3);
        Assert.Equal(importCost, slots.Sum(s => s.ImportKwh * s.ImportPrice), 3);
        // The home needs 6 kWh of hot water a day: the plan heats it on each day whose end it reaches.
        Assert.True(slots.Where(s => SlotGrid.LocalDateOf(s.SlotStart, Stockholm) == new DateOnly(2026, 11, 22)).Sum(s => s.WaterKwh) >= 6 - 1e-6);
    }

    [Fact]
    public async Task Plan_NoPriceForNow_ExitsOneNamingThePricesAndStoresNothing()
    {
        var nowIndex = SlotGrid.IndexOf(Now);
        await SeedAsync(new SlotRange(nowIndex - 96, 96), new SlotRange(nowIndex - 96, 96));

        var result = await _runner.RunAsync("plan", "--db", _db);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("plan: No price is known for the current slot", result.Error, StringComparison.Ordinal);
        Assert.Null(await new PlanRepository(new DarkstarDatabase(_db)).ReadLatestAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("2026-11-20", 96)]
    [InlineData("2026-10-25", 100)]
    [InlineData("2026-03-29", 92)]
    public async Task Oracle_CompleteDay_StoresTheDayNoDearerThanWithoutABattery(string dayText, int slots)
    {
        var day = DateOnly.ParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = LocalDays(day.AddDays(-1), day.AddDays(1));
        await SeedAsync(days, days);

        var result = await _runner.RunAsync("oracle", "--day", dayText, "--db", _db, "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        Assert.Equal(dayText, root.GetProperty("day").GetString());
        Assert.Equal(slots, root.GetProperty("slots").GetInt32());
        Assert.Equal(slots, TableRow().Count(result.Output));
        Assert.StartsWith($"{dayText} 00:00 ", TableRow().Match(result.Output).Value, StringComparison.Ordinal);

        var stored = await new OracleResultRepository(new DarkstarDatabase(_db)).ReadRangeAsync(day.AddDays(-1), day.AddDays(1), CancellationToken.None);
        var row = Assert.Single(stored);
        Assert.Equal(day, row.Day);
        Assert.Equal(root.GetProperty("oracle_cost").GetDouble(), row.OracleCost, 3);
        Assert.NotNull(row.NoBatteryCost);
        Assert.True(row.OracleCost <= row.NoBatteryCost.Value + 1e-6, $"oracle {row.OracleCost} > no battery {row.NoBatteryCost}");
        // Night at 0.8 and evening at 3.0 SEK/kWh pay for a cycle at 90 % and 0.2 SEK/kWh of wear: the Oracle is cheaper.
        Assert.True(row.OracleCost < row.NoBatteryCost.Value - 1, $"oracle {row.OracleCost}, no battery {row.NoBatteryCost}");
        // The home imported all it used at the slot's price: that is the realised cost, and the Oracle's regret is its excess.
        Assert.NotNull(row.MpcCost);
        Assert.Equal(row.MpcCost.Value - row.OracleCost, row.Regret!.Value, 6);
        Assert.Equal(row.OracleImportCost - row.OracleExportRevenue + row.OracleBatteryWearCost, row.OracleCost, 6);
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("20/11/2026")]
    [InlineData("yesterday")]
    public async Task Oracle_BadDay_ExitsTwoNamingTheDayAndWritesNothing(string dayText)
    {
        var result = await _runner.RunAsync("oracle", "--day", dayText, "--db", _db);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("--day", result.Error, StringComparison.Ordinal);
        Assert.Contains(dayText, result.Error, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_db));
    }

    [Fact]
    public async Task Oracle_DayWithoutData_ExitsOneSayingWhatIsMissing()
    {
        var days = LocalDays(new DateOnly(2026, 11, 19), new DateOnly(2026, 11, 19));
        await SeedAsync(days, days);

        var result = await _runner.RunAsync("oracle", "--day", "2026-11-20", "--db", _db);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("2026-11-20 is not complete: 96 of 96 slots have no observed load and 96 no price", result.Error, StringComparison.Ordinal);
        Assert.Empty(await new OracleResultRepository(new DarkstarDatabase(_db)).ReadRangeAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), CancellationToken.None));
    }
}
