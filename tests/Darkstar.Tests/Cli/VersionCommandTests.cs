using System.Text.Json;
using Darkstar.Cli;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class VersionCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Version_Json_OneObjectWithTheVersionOfEveryComponent()
    {
        var result = await new CliRunner(_temp).RunAsync("version", "--json");

        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var versions = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(["darkstar", "dotnet", "sqlite", "xgboost", "cbc", "mqtt"], versions.Keys);
        Assert.Equal(VersionCommand.Version, versions["darkstar"]);
        Assert.Equal(Environment.Version.ToString(), versions["dotnet"]);
        // The bundled SQLite (SQLitePCLRaw 3), Debian's libxgboost0 (1.6/1.7) and coinor-libcbc3 (2.10), as installed.
        Assert.StartsWith("3.53.", versions["sqlite"], StringComparison.Ordinal);
        Assert.Matches(@"^1\.\d+\.\d+$", versions["xgboost"]);
        Assert.Matches(@"^2\.10\.\d+$", versions["cbc"]);
        Assert.Matches(@"^MQTTnet 5\.\d+\.\d+", versions["mqtt"]);
    }

    [Fact]
    public async Task Version_Plain_OneLinePerComponentWithItsName()
    {
        var result = await new CliRunner(_temp).RunAsync("version");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(VersionCommand.Components().Count, lines.Length);
        Assert.Equal($"Darkstar  {VersionCommand.Version}", lines[0]);
        Assert.Matches(@"^SQLite +3\.53\.\d+$", lines[2]);
        Assert.Matches(@"^CBC +2\.10\.\d+$", lines[4]);
        Assert.Matches(@"^MQTT +MQTTnet 5\.\d+\.\d+", lines[5]);
    }

    [Fact]
    public void OfNativeLibrary_LibraryMissing_SaysNotFound()
    {
        var direct = ComponentVersion.OfNativeLibrary("x", "X", () => throw new DllNotFoundException("libx.so"));
        var wrapped = ComponentVersion.OfNativeLibrary(
            "x", "X", () => throw new TypeInitializationException("X.Native", new DllNotFoundException("libx.so")));

        Assert.Equal(ComponentVersion.NotFound, direct.Version);
        Assert.Equal(ComponentVersion.NotFound, wrapped.Version);
        Assert.Throws<InvalidOperationException>(() => ComponentVersion.OfNativeLibrary("x", "X", () => throw new InvalidOperationException()));
    }

    [Fact]
    public async Task Invoke_UnknownCommand_ExitsTwo()
    {
        var result = await new CliRunner(_temp).RunAsync("teleport");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("teleport", result.Error, StringComparison.Ordinal);
    }
}
