using System.ComponentModel;
using System.Text.Json.Nodes;
using Darkstar.Testing;

namespace Darkstar.Simulation.Tests;

/// <summary>
/// Acceptance with a client nobody here wrote: Home Assistant's own home-assistant-js-websocket, from npm,
/// connects, authenticates, reads states, subscribes to entities, calls a service and reads statistics.
/// </summary>
public sealed class JsClientAcceptanceTests
{
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);
    private static bool _installed;

    private static string ScriptFolder => RepositoryRoot.File("tests", "Darkstar.Simulation.Tests", "js");

    [Fact]
    public async Task HomeAssistantJsWebsocket_FullSession_SummaryMatchesTheHome()
    {
        await InstallAsync();
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning, history: TimeSpan.FromDays(1));
        var statisticsStart = TestHomes.SummerMorning.AddHours(-6);

        var run = await ProcessRunner.RunAsync(
            "node",
            ["acceptance.mjs", home.BaseUri.ToString(), home.Token, statisticsStart.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)],
            workingDirectory: ScriptFolder,
            timeout: TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, $"node acceptance.mjs failed ({run.ExitCode}):\n{run.Output}\n{run.Error}");
        var summary = JsonNode.Parse(run.LastLine)!;
        Assert.Equal(home.Options.Version, summary["haVersion"]!.GetValue<string>());
        Assert.Equal(home.States.All().Count, summary["stateCount"]!.GetValue<int>());
        Assert.Equal("%", summary["socUnit"]!.GetValue<string>());
        Assert.Equal(home.States.All().Count, summary["entityCount"]!.GetValue<int>());
        Assert.Equal("Self consumption", summary["workModeBefore"]!.GetValue<string>());
        Assert.Equal("Hold", summary["workModeAfter"]!.GetValue<string>());
        Assert.Equal(5, summary["workModeOptions"]!.AsArray().Count);
        Assert.Equal(26, summary["serviceContextId"]!.GetValue<string>().Length);
        Assert.Equal(6, summary["statisticsRows"]!.GetValue<int>());
        Assert.Equal(statisticsStart.ToUnixTimeMilliseconds(), summary["statisticsFirstStart"]!.GetValue<double>());
        var pvSixHours = home.Recorder.Statistics(Home.EntityIds.PvEnergy, Recording.StatisticsPeriod.Hour, statisticsStart, TestHomes.SummerMorning);
        Assert.Equal(pvSixHours.Rows[^1].Sum!.Value - (pvSixHours.SumBefore ?? 0), summary["statisticsChangeTotal"]!.GetValue<double>(), 6);
        Assert.Equal("Hold", home.States.Get(Home.EntityIds.WorkMode)!.State);
    }

    /// <summary>Runs <c>npm ci</c> once per test run, and not at all when node_modules matches the lock file.</summary>
    private static async Task InstallAsync()
    {
        await InstallOnce.WaitAsync();
        try
        {
            if (_installed)
            {
                return;
            }

            await RequireToolAsync("node");
            await RequireToolAsync("npm");
            var installedLock = Path.Combine(ScriptFolder, "node_modules", ".package-lock.json");
            var lockFile = Path.Combine(ScriptFolder, "package-lock.json");
            if (!File.Exists(installedLock) || File.GetLastWriteTimeUtc(installedLock) < File.GetLastWriteTimeUtc(lockFile))
            {
                var install = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], ScriptFolder, timeout: TimeSpan.FromMinutes(4));
                Assert.True(install.ExitCode == 0, $"npm ci in {ScriptFolder} failed ({install.ExitCode}):\n{install.Output}\n{install.Error}");
            }

            _installed = true;
        }
        finally
        {
            InstallOnce.Release();
        }
    }

    private static async Task RequireToolAsync(string tool)
    {
        try
        {
            var version = await ProcessRunner.RunAsync(tool, ["--version"], timeout: TimeSpan.FromSeconds(30));
            Assert.True(version.ExitCode == 0, $"'{tool} --version' failed: {version.Error}");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"This acceptance test needs Node.js and npm on PATH ('{tool}' could not be started: {e.Message}). " +
                "Run eng/install-deps.sh (it installs the Debian packages nodejs and npm when node is missing).");
        }
    }
}
