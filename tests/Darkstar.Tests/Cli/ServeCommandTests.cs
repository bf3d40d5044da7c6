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
