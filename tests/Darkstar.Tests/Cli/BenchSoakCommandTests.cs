using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

/// <summary><c>bench soak</c> on one simulated day: the whole service on the stepped clock, its figures present and sane (not a long run).</summary>
public sealed class BenchSoakCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Soak_OneDay_ReportsDatabaseRowsMemoryAndLoopTimes()
    {
        var db = _temp.File("soak.db");

        var result = await new CliRunner(_temp).RunAsync("bench", "soak", "--days", "1", "--db", db, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("soak day 1/1: database", result.Error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("days").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        var start = root.GetProperty("db_mb_start").GetDouble();
        var end = root.GetProperty("db_mb_end").GetDouble();
        Assert.InRange(start, 0.01, end);
        Assert.InRange(end - start, 0.1, 50);
        Assert.InRange(root.GetProperty("rss_mb_end").GetDouble(), 30, 4000);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rss_trend_mb_per_day_last_30").ValueKind);
        // The backfilled week and the simulated day: every slot observed, plans made.
        Assert.InRange(root.GetProperty("rows").GetProperty("slot_observations").GetInt64(), 9 * 96, 11 * 96);
        Assert.True(root.GetProperty("rows").GetProperty("plans").GetInt64() >= 90);
        var loops = root.GetProperty("loops");
        var executor = loops.GetProperty("executor").GetProperty("first_week");
        Assert.InRange(executor.GetProperty("rounds").GetInt32(), 1380, 1500);
        var planner = loops.GetProperty("planner").GetProperty("first_week");
        Assert.True(planner.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(planner.GetProperty("p95_ms").GetDouble() >= planner.GetProperty("median_ms").GetDouble());
    }
}
