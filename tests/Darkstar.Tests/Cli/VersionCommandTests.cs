using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class VersionCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Version_Json_PrintsVersionOnLastLine()
    {
        var result = await new CliRunner(_temp).RunAsync("version", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.Matches(@"^\d+\.\d+\.\d+", json.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Invoke_UnknownCommand_ExitsTwo()
    {
        var result = await new CliRunner(_temp).RunAsync("teleport");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("teleport", result.Error, StringComparison.Ordinal);
    }
}
