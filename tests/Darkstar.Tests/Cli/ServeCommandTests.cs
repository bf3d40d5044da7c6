using Darkstar.Cli;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Serve_InvalidArguments_ExitsTwoWithEveryProblem()
    {
        var result = await new CliRunner(_temp).RunAsync(
            "serve", "--simulate", "--speed", "0", "--for", "soon", "--history-days", "0", "--db", _temp.File("d.db"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("--speed", result.Error, StringComparison.Ordinal);
        Assert.Contains("--for: 'soon'", result.Error, StringComparison.Ordinal);
        Assert.Contains("--history-days", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("d.db")), "an invalid start must write nothing");
    }

    [Fact]
    public async Task Serve_ForWithoutSimulate_ExitsTwo()
    {
        var result = await new CliRunner(_temp).RunAsync("serve", "--for", "2d", "--db", _temp.File("d.db"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("--simulate", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidOptionsFile_ExitsTwoNamingTheOption()
    {
        var config = _temp.File("options.yaml");
        await File.WriteAllTextAsync(config, "battery:\n  min_soc_percent: 150\n");

        var result = await new CliRunner(_temp).RunAsync("serve", "--config", config, "--db", _temp.File("d.db"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("min_soc_percent", result.Error, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task Serve_SimulateReplayedHome_RunsAsThatHomeInItsCurrencyWithItsSubMeters()
    {
        var database = _temp.File("replay.db");

        var result = await new CliRunner(_temp).RunAsync(
            "serve", "--simulate", "--home", SharedData.PathOf("konstanz-home"), "--speed", "2000", "--for", "3h", "--history-days", "2",
            "--db", database, "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        using var json = System.Text.Json.JsonDocument.Parse(result.LastLine);
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetInt32());
        Assert.InRange(json.RootElement.GetProperty("slots_observed").GetInt32(), 11, 12);
        Assert.True(json.RootElement.GetProperty("plans").GetInt32() > 0);
        // The options of the simulated (Stockholm, SEK) home were made the replayed home's: Konstanz, EUR.
        Assert.Contains(" EUR ", result.Output, StringComparison.Ordinal);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        // The history before the start is the data set's own (it begins in October 2015), with its heat pump's meter.
        command.CommandText = "SELECT MIN(slot_start), COUNT(heat_pump_kwh), SUM(load_kwh) FROM slot_observations";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.StartsWith("2015-10", reader.GetString(0), StringComparison.Ordinal);
        Assert.True(reader.GetInt64(1) > 100, $"{reader.GetInt64(1)} slots with the heat pump's energy");
        Assert.True(reader.GetDouble(2) > 10, $"{reader.GetDouble(2)} kWh of load");
    }

    [Fact]
    public async Task Serve_HealthPortTaken_ExitsNonZeroNamingHealthPortBeforeAnything()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var database = _temp.File("d.db");

        var result = await new CliRunner(_temp).RunAsync("serve", "--health-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", database);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var first = result.Error.Split('\n')[0];
        Assert.Contains($"port {port}", first, StringComparison.Ordinal);
        Assert.Contains("--health-port", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Darkstar serves", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(database), "nothing is written before the port is known to be free");
    }

    [Fact]
    public async Task Serve_DamagedDatabase_ExitsNonZeroWithTheWaysOutAndNoTrace()
    {
        var database = _temp.File("darkstar.db");
        var damaged = _temp.File("damaged.db");
        var runner = new CliRunner(_temp);
        Assert.Equal(ExitCodes.Success, (await runner.RunAsync("db", "migrate", "--db", database)).ExitCode);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await DamagedFile.CopyWithNoiseAsync(database, damaged);

        var serve = await runner.RunAsync("serve", "--db", damaged, "--health-port", "0");
        var migrate = await runner.RunAsync("db", "migrate", "--db", damaged);

        foreach (var result in new[] { serve, migrate })
        {
            Assert.Equal(ExitCodes.Failure, result.ExitCode);
            Assert.Contains("damaged", result.Error, StringComparison.Ordinal);
            Assert.Contains("Home Assistant backup", result.Error, StringComparison.Ordinal);
            Assert.Contains("move the file aside", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("up to date", result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Darkstar serves", serve.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90m", 90)]
    [InlineData("6h", 360)]
    [InlineData("2d", 2880)]
    public void TryParseDuration_WholeNumberAndUnit_Minutes(string text, int minutes)
    {
        Assert.True(ServeCommand.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("d")]
    [InlineData("0h")]
    [InlineData("-1d")]
    [InlineData("1.5d")]
    [InlineData("3w")]
    public void TryParseDuration_Other_False(string text) => Assert.False(ServeCommand.TryParseDuration(text, out _));
}
