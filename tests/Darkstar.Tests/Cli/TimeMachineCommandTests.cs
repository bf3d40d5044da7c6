using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

/// <summary>replay and antares over the Konstanz home imported into a temporary database.</summary>
public sealed class TimeMachineCommandTests : IDisposable
{
    /// <summary>The bench's battery (10 kWh, 5 kW, 95 % round trip, no wear) and a grid that never limits, as options.</summary>
    private static readonly string[] BenchBattery =
    [
        "--set", "battery.cycle_cost_per_kwh=0", "--set", "battery.round_trip_efficiency=0.95", "--set", "battery.min_soc_percent=10",
        "--set", "grid.max_import_kw=1000", "--set", "grid.max_export_kw=1000",
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> KonstanzDatabaseAsync()
    {
        var db = _temp.File("konstanz.db");
        var import = await new CliRunner(_temp).RunAsync("import-dataset", "--home", SharedData.PathOf("konstanz-home"), "--db", db);
        Assert.Equal(0, import.ExitCode);
        return db;
    }

    private static JsonElement Json(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.Error);
        using var document = JsonDocument.Parse(result.LastLine);
        return document.RootElement.Clone();
    }

    [SharedDataFact]
    public async Task Replay_SameDaysTwice_SameFiguresEveryTimeAndOneSetOfEpisodes()
    {
        var db = await KonstanzDatabaseAsync();
        string[] args = ["replay", "--db", db, "--from", "2016-01-15", "--days", "2", "--json", .. BenchBattery];

        var first = Json(await new CliRunner(_temp).RunAsync(args));
        var second = Json(await new CliRunner(_temp).RunAsync(args));

        foreach (var figure in new[] { "no_battery", "self_consumption", "mpc", "oracle", "plans", "commands", "episodes" })
        {
            Assert.Equal(first.GetProperty(figure).GetRawText(), second.GetProperty(figure).GetRawText());
        }

        Assert.Equal(first.GetProperty("per_day").GetRawText(), second.GetProperty("per_day").GetRawText());
        var days = first.GetProperty("per_day").EnumerateArray().ToList();
        Assert.Equal(["2016-01-15", "2016-01-16"], days.Select(d => d.GetProperty("day").GetString()));
        Assert.All(days, d => Assert.Equal("clean", d.GetProperty("quality").GetString()));
        // Two clean days of 96 slots; the second replay replaced the first one's episodes.
        Assert.Equal(192, first.GetProperty("episodes").GetInt32());
        var stats = await new CliRunner(_temp).RunAsync("db", "stats", "--db", db);
        Assert.Matches(@"training_episodes\s+192\b", stats.Output);
    }

    [SharedDataFact]
    public async Task Replay_AndBenchPlan_RunOneClosedLoop_SameCostsOnTheSameDays()
    {
        var db = await KonstanzDatabaseAsync();

        var replay = Json(await new CliRunner(_temp).RunAsync(["replay", "--db", db, "--from", "2016-01-15", "--days", "2", "--forecasts", "baseline", "--json", .. BenchBattery]));
        var bench = Json(await new CliRunner(_temp).RunAsync(
            "bench", "plan", "--home", SharedData.PathOf("konstanz-home"), "--from", "2016-01-15", "--days", "2", "--forecasts", "baseline", "--json"));

        foreach (var figure in new[] { "no_battery", "self_consumption", "mpc", "oracle" })
        {
            Assert.Equal(bench.GetProperty(figure).GetDouble(), replay.GetProperty(figure).GetDouble());
        }
    }

    [SharedDataFact]
    public async Task Replay_WhatIfs_AreValidatedAsOptionsWithMessagesToActOn()
    {
        var db = await KonstanzDatabaseAsync();

        var unknown = await new CliRunner(_temp).RunAsync("replay", "--db", db, "--from", "2016-01-15", "--set", "mqtt.port=1");
        var invalid = await new CliRunner(_temp).RunAsync(
            "replay", "--db", db, "--from", "2016-01-15", "--set", "battery.capacity_kwh=lots", "--set", "battery.min_soc_percent=150");
        var outside = await new CliRunner(_temp).RunAsync("replay", "--db", db, "--from", "2030-01-01");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("mqtt.port cannot be changed in a replay; these can: battery.capacity_kwh", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("battery.capacity_kwh = lots: must be a number", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("battery.min_soc_percent = 150: must be between 0 and 100", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("have no load", outside.Error, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task Antares_TrainOnReplayedEpisodesThenEvaluate_ReportsEveryStrategyAndRecordsTheRuns()
    {
        var db = await KonstanzDatabaseAsync();
        Json(await new CliRunner(_temp).RunAsync(["replay", "--db", db, "--from", "2016-01-10", "--days", "6", "--replan-minutes", "240", "--json", .. BenchBattery]));

        var train = Json(await new CliRunner(_temp).RunAsync(["antares", "train", "--db", db, "--hold-out-from", "2016-01-12", "--hold-out-days", "1", "--json", .. BenchBattery]));
        var evaluate = Json(await new CliRunner(_temp).RunAsync(["antares", "evaluate", "--db", db, "--from", "2016-01-20", "--days", "2", "--json", .. BenchBattery]));

        // Six days replayed, one held out: four train, the last validates.
        Assert.Equal(4, train.GetProperty("train_days").GetInt32());
        Assert.Equal(1, train.GetProperty("validation_days").GetInt32());
        Assert.Equal("2016-01-12", train.GetProperty("held_out").GetProperty("from").GetString());
        var runs = train.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["xgboost-intent-mpc", "xgboost-intent-oracle"], runs.Select(r => r.GetProperty("model_type").GetString()));
        Assert.All(runs, r => Assert.True(File.Exists(Path.Combine(r.GetProperty("artifact").GetString()!, "is_grid_charge.json"))));
        Assert.All(runs, r => Assert.DoesNotContain("2016-01-12", r.GetProperty("metrics").GetProperty("validation_days").GetString(), StringComparison.Ordinal));
        Assert.Equal(2, evaluate.GetProperty("days").GetInt32());
        Assert.True(evaluate.GetProperty("oracle").GetDouble() <= evaluate.GetProperty("mpc").GetDouble() + 0.01);
        Assert.Equal(2, evaluate.GetProperty("policies").GetArrayLength());
        Assert.Empty(evaluate.GetProperty("trained_on_these_days").EnumerateArray());
        // The held-out day is one the runs did not learn from; the day after is.
        var heldOut = Json(await new CliRunner(_temp).RunAsync(["antares", "evaluate", "--db", db, "--from", "2016-01-12", "--days", "1", "--json", .. BenchBattery]));
        var learnt = Json(await new CliRunner(_temp).RunAsync(["antares", "evaluate", "--db", db, "--from", "2016-01-13", "--days", "1", "--json", .. BenchBattery]));
        Assert.Empty(heldOut.GetProperty("trained_on_these_days").EnumerateArray());
        Assert.Equal(2, learnt.GetProperty("trained_on_these_days").GetArrayLength());
        // The runs' rows keep the evaluation's cost figures.
        var stats = await new CliRunner(_temp).RunAsync("db", "stats", "--db", db);
        Assert.Matches(@"antares_training_runs\s+2\b", stats.Output);
    }

    [SharedDataFact]
    public async Task AntaresEnv_OneDay_PrintsEverySlotAndStepsWithoutSolves()
    {
        var db = await KonstanzDatabaseAsync();

        var result = await new CliRunner(_temp).RunAsync(["antares", "env", "--db", db, "--day", "2016-01-15", "--json", .. BenchBattery]);

        var json = Json(result);
        Assert.Equal(96, json.GetProperty("slots").GetInt32());
        Assert.Equal(24, json.GetProperty("mpc_plans").GetInt32());
        Assert.True(json.GetProperty("steps_per_second").GetDouble() > 0);
        Assert.Contains("2016-01-15 23:45", result.Output, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task LabExport_TwoTargets_ExportsWhatTheManualPlanForcesAtACostAgainstThePlannersOwn()
    {
        var db = await KonstanzDatabaseAsync();

        var result = await new CliRunner(_temp).RunAsync(["lab", "export", "--db", db, "--day", "2016-03-15", "--kwh", "1,2", "--json", .. BenchBattery]);
        var relaxed = await new CliRunner(_temp).RunAsync(["lab", "export", "--db", db, "--day", "2016-03-15", "--kwh", "1", "--relaxed", "--json", .. BenchBattery]);
        var bad = await new CliRunner(_temp).RunAsync("lab", "export", "--db", db, "--day", "2016-01-15", "--kwh", "1,lots");

        var json = Json(result);
        var scenarios = json.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal([1.0, 2.0], scenarios.Select(s => s.GetProperty("target_kwh").GetDouble()));
        // 1.25 kWh a slot at 5 kW: one slot, then two. A sunny March day: the battery has the energy by the evening's prices.
        Assert.Equal([1, 2], scenarios.Select(s => s.GetProperty("slots").GetInt32()));
        Assert.All(scenarios, s => Assert.True(s.GetProperty("realised_kwh").GetDouble() >= s.GetProperty("target_kwh").GetDouble() * 0.9, s.GetRawText()));
        Assert.All(scenarios, s => Assert.Equal(
            s.GetProperty("cost").GetDouble() - json.GetProperty("own_plan_cost").GetDouble(), s.GetProperty("vs_own_plan").GetDouble(), 0.0015));
        Assert.True(Json(relaxed).GetProperty("relaxed").GetBoolean());
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--kwh: 'lots' is not a positive number of kWh", bad.Error, StringComparison.Ordinal);
    }
}
