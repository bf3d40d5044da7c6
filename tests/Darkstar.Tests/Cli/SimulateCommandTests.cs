using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Simulate_ZeroSpeed_InvalidInputNamingTheOption()
    {
        var result = await new CliRunner(_temp).RunAsync("simulate", "--port", "0", "--speed", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--speed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_HomeFolderWithoutHomeYaml_InvalidInputNamingTheFolder()
    {
        var result = await new CliRunner(_temp).RunAsync("simulate", "--port", "0", "--home", _temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("home.yaml", result.Error, StringComparison.Ordinal);
    }
}
