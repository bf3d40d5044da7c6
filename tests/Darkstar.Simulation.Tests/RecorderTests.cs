using System.Text.Json.Nodes;
using Darkstar.Simulation.Home;

namespace Darkstar.Simulation.Tests;

public sealed class RecorderTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 15, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task StatisticsDuringPeriod_Hourly_ChangeEqualsCounterDeltaAndBoundsInMilliseconds()
    {
        await using var home = await TestHomes.StartAsync(Start);
        var counters = new List<double>();
        for (var hour = 0; hour < 6; hour++)
        {
            counters.Add(home.States.Get(EntityIds.PvEnergy)!.NumericState!.Value);
            await home.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);
        }

        counters.Add(home.States.Get(EntityIds.PvEnergy)!.NumericState!.Value);
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(Query(Start, Start.AddHours(6), "hour", EntityIds.PvEnergy, "change", "sum", "state"));

        var rows = result["result"]![EntityIds.PvEnergy]!.AsArray();
        Assert.Equal(6, rows.Count);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), rows[0]!["start"]!.GetValue<double>());
        Assert.Equal(Start.AddHours(1).ToUnixTimeMilliseconds(), rows[0]!["end"]!.GetValue<double>());
        for (var hour = 0; hour < 6; hour++)
        {
            Assert.Equal(counters[hour + 1] - counters[hour], rows[hour]!["change"]!.GetValue<double>(), 6);
        }

        Assert.Equal(counters[6], rows[5]!["state"]!.GetValue<double>(), 6);
        Assert.Equal(counters[6] - counters[0], rows[5]!["sum"]!.GetValue<double>(), 6);
        Assert.Null(rows[0]!["mean"]);
    }

    [Fact]
    public async Task StatisticsDuringPeriod_FiveMinuteMeasurement_MeanMinMaxOfPower()
    {
        await using var home = await TestHomes.StartAsync(Start);
        var powers = new List<double>();
        using var listening = home.States.Listen(change =>
        {
            if (change.EntityId == EntityIds.LoadPower && change.NewState.LastUpdated > Start && change.NewState.LastUpdated <= Start.AddMinutes(5))
            {
                powers.Add(change.NewState.NumericState!.Value);
            }
        });
        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(Query(Start, Start.AddMinutes(30), "5minute", EntityIds.LoadPower, "mean", "min", "max"));

        var rows = result["result"]![EntityIds.LoadPower]!.AsArray();
        Assert.Equal(6, rows.Count);
        var first = rows[0]!;
        Assert.InRange(first["mean"]!.GetValue<double>(), first["min"]!.GetValue<double>(), first["max"]!.GetValue<double>());
        Assert.True(first["max"]!.GetValue<double>() > 0);
        Assert.Null(first["change"]);
    }

    [Fact]
    public async Task StatisticsDuringPeriod_Day_OneRowPerLocalDayWithUnitsConverted()
    {
        await using var home = await TestHomes.StartAsync(new DateTimeOffset(2026, 6, 14, 22, 0, 0, TimeSpan.Zero));
        var before = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;
        await home.AdvanceAsync(TimeSpan.FromHours(24), CancellationToken.None);
        var after = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        var query = Query(new DateTimeOffset(2026, 6, 14, 22, 0, 0, TimeSpan.Zero), null, "day", EntityIds.LoadEnergy, "change");
        query["units"] = new JsonObject { ["energy"] = "Wh" };

        var result = await socket.CommandAsync(query);

        var row = Assert.Single(result["result"]![EntityIds.LoadEnergy]!.AsArray());
        Assert.Equal((after - before) * 1000, row!["change"]!.GetValue<double>(), 3);
    }

    [Fact]
    public async Task ListStatisticIds_Sum_TheEnergyCountersOnly()
    {
        await using var home = await TestHomes.StartAsync(Start);
        await home.AdvanceAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var sums = await socket.CommandAsync(new JsonObject { ["type"] = "recorder/list_statistic_ids", ["statistic_type"] = "sum" });
        var means = await socket.CommandAsync(new JsonObject { ["type"] = "recorder/list_statistic_ids", ["statistic_type"] = "mean" });

        var sumIds = sums["result"]!.AsArray().Select(m => m!["statistic_id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(EntityIds.EnergyCounters.Order().ToList(), sumIds);
        Assert.Contains(means["result"]!.AsArray(), m => m!["statistic_id"]!.GetValue<string>() == EntityIds.BatterySoc);
        var pv = sums["result"]!.AsArray().Single(m => m!["statistic_id"]!.GetValue<string>() == EntityIds.PvEnergy)!;
        Assert.Equal("kWh", pv["statistics_unit_of_measurement"]!.GetValue<string>());
        Assert.Equal("energy", pv["unit_class"]!.GetValue<string>());
    }

    [Fact]
    public async Task StatisticsDuringPeriod_BadPeriod_InvalidFormat()
    {
        await using var home = await TestHomes.StartAsync(Start);
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(Query(Start, null, "fortnight", EntityIds.PvEnergy, "sum"));

        Assert.Equal("invalid_format", result["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task History_BackfilledHome_HasStatisticsBeforeTheStart()
    {
        await using var home = await TestHomes.StartAsync(Start, history: TimeSpan.FromDays(2));
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(Query(Start.AddDays(-2), Start, "hour", EntityIds.GridImportEnergy, "change"));

        Assert.Equal(48, result["result"]![EntityIds.GridImportEnergy]!.AsArray().Count);
    }

    internal static JsonObject Query(DateTimeOffset start, DateTimeOffset? end, string period, string statisticId, params string[] types)
    {
        var query = new JsonObject
        {
            ["type"] = "recorder/statistics_during_period",
            ["start_time"] = start.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["statistic_ids"] = new JsonArray(statisticId),
            ["period"] = period,
            ["types"] = new JsonArray([.. types.Select(t => (JsonNode)t)]),
        };
        if (end is { } e)
        {
            query["end_time"] = e.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        return query;
    }
}
