using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class DatabaseCommandTests : IDisposable
{
    // The tables DESIGN.md names, written out here so a table dropped from the schema fails this test.
    private static readonly string[] DesignTables =
    [
        "schema_version", "sensor_totals", "slot_observations", "prices", "weather", "data_quality_daily",
        "slot_forecasts", "model_runs", "plans", "slot_plans", "execution_log", "oracle_daily_results",
        "training_episodes", "antares_training_runs", "user_settings",
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Stats_AfterMigrate_ListsEveryTableOfTheDesign()
    {
        var runner = new CliRunner(_temp);
        var db = _temp.File(Path.Combine("data", "darkstar.db"));

        var migrate = await runner.RunAsync("db", "migrate", "--db", db);
        var stats = await runner.RunAsync("db", "stats", "--db", db, "--json");

        Assert.Equal(0, migrate.ExitCode);
        Assert.Equal(0, stats.ExitCode);
        using var json = JsonDocument.Parse(stats.LastLine);
        var tables = json.RootElement.GetProperty("tables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(DesignTables.Order(StringComparer.Ordinal), tables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Storage.Migrations.LatestVersion, tables["schema_version"]);
        Assert.All(tables.Where(t => t.Key != "schema_version"), t => Assert.Equal(0, t.Value));
    }

    [Fact]
    public async Task Stats_OldForecastIssues_SizesEachTableAndCountsWhatRetentionWouldRemove()
    {
        var runner = new CliRunner(_temp);
        var db = _temp.File("darkstar.db");
        await runner.RunAsync("db", "migrate", "--db", db);
        // Ten days before the runner's clock: the issues 48 h and 30 minutes ahead go, the day-ahead one stays.
        var slot = runner.Clock.GetUtcNow().AddDays(-10);
        var database = new Storage.DarkstarDatabase(db);
        await new Storage.Repositories.SlotForecastRepository(database).UpsertAsync(
            new[] { TimeSpan.FromHours(48), TimeSpan.FromHours(24), TimeSpan.FromMinutes(30) }.Select(lead => new Core.Domain.SlotForecast
            {
                SlotStart = slot, ForecastVersion = "baseline_7_day_avg", IssuedAt = slot - lead,
                LoadP10Kwh = 0.1, LoadP50Kwh = 0.2, LoadP90Kwh = 0.3, PvP10Kwh = 0, PvP50Kwh = 0, PvP90Kwh = 0,
            }),
            CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var stats = await runner.RunAsync("db", "stats", "--db", db, "--json");

        Assert.True(stats.ExitCode == 0, stats.Error);
        Assert.Contains("Retention now would remove 2 slot_forecasts.", stats.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stats.LastLine);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("tables").GetProperty("slot_forecasts").GetInt64());
        Assert.Equal(2, root.GetProperty("retention_removes").GetProperty("slot_forecasts").GetInt64());
        Assert.Equal(0, root.GetProperty("retention_removes").GetProperty("slot_plans").GetInt64());
        Assert.True(root.GetProperty("bytes").GetProperty("slot_forecasts").GetInt64() > 0);
        var tableBytes = root.GetProperty("bytes").EnumerateObject().Sum(p => p.Value.GetInt64());
        Assert.InRange(tableBytes, 1, root.GetProperty("file_bytes").GetInt64());
    }

    [Fact]
    public async Task Migrate_RunTwice_SecondRunAppliesNothing()
    {
        var runner = new CliRunner(_temp);
        var db = _temp.File("darkstar.db");

        var first = await runner.RunAsync("db", "migrate", "--db", db, "--json");
        var second = await runner.RunAsync("db", "migrate", "--db", db, "--json");

        Assert.Equal(0, second.ExitCode);
        using var firstJson = JsonDocument.Parse(first.LastLine);
        using var secondJson = JsonDocument.Parse(second.LastLine);
        Assert.NotEqual(0, firstJson.RootElement.GetProperty("applied").GetArrayLength());
        Assert.Equal(0, secondJson.RootElement.GetProperty("applied").GetArrayLength());
        Assert.Equal(
            firstJson.RootElement.GetProperty("schema_version").GetInt32(),
            secondJson.RootElement.GetProperty("schema_version").GetInt32());
    }

    [Fact]
    public async Task Stats_NoDatabase_ExitsOneWithoutCreatingIt()
    {
        var db = _temp.File("missing.db");

        var result = await new CliRunner(_temp).RunAsync("db", "stats", "--db", db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("db migrate", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task Migrate_InvalidOptions_ExitsTwoAndWritesNothing()
    {
        var config = _temp.File("options.yaml");
        var db = _temp.File("darkstar.db");
        await File.WriteAllTextAsync(config, "battery:\n  min_soc_percent: -5\n");

        var result = await new CliRunner(_temp).RunAsync("db", "migrate", "--db", db, "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("battery.min_soc_percent", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task Migrate_DatabasePathIsAFolder_ExitsOneNamingThePath()
    {
        var folder = _temp.File("a-folder");
        Directory.CreateDirectory(folder);

        var result = await new CliRunner(_temp).RunAsync("db", "migrate", "--db", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(folder, result.Error, StringComparison.Ordinal);
    }
}
