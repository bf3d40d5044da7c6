using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

/// <summary>Every command that works in local days resolves the home's time zone one way, and says so when there is none.</summary>
public sealed class HomeTimeZoneCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("slots")]
    [InlineData("evaluate")]
    [InlineData("mqtt", "announce", "--timeout", "1")]
    [InlineData("plan")]
    public async Task Command_OptionsWithoutATimeZone_ExitsAsForBadOptionsAndSaysWhereToSetOne(params string[] command)
    {
        // The simulated home's options, less their time zone: no command may fall back on UTC or the machine's zone.
        var options = (await File.ReadAllLinesAsync(RepositoryRoot.File("src", "Darkstar.Core", "Options", "simulated-home.yaml")))
            .Where(line => !line.TrimStart().StartsWith("time_zone:", StringComparison.Ordinal));
        var config = _temp.File("options.yaml");
        await File.WriteAllLinesAsync(config, options);

        var result = await new CliRunner(_temp).RunAsync([.. command, "--config", config, "--db", _temp.File("darkstar.db")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("set location.time_zone in the options", result.Error, StringComparison.Ordinal);
    }
}
