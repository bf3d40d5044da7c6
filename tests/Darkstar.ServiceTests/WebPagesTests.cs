using System.Text.Json.Nodes;
using Darkstar.Core.Controls;
using Darkstar.Mqtt.Discovery;
using Darkstar.Simulation.Clock;
using Darkstar.Testing;
using Xunit.Abstractions;

namespace Darkstar.ServiceTests;

/// <summary>
/// The web UI in a real browser: Debian's chromium driven by playwright-core (web/test/browser.mjs) against the service
/// on the simulated home, under an ingress-like prefix. Every page at desktop and phone width with no console error and
/// no failed request, the car's card on the overview at both widths, the overview's 48 hours, a control clicked reaching
/// the executor, a plan event after re-plan, a manual block added from the page (listed, marked on the chart) and
/// deleted, and a Lab export study started from its page whose result appears there.
/// Screenshots go to TestResults/web/. The simulated clock runs on (a minute every 100 ms) while the browser works, so
/// the executor's next tick and the re-plan happen.
/// </summary>
[Collection(ServiceTestGroup.Name)]
public sealed class WebPagesTests(WebApiService fixture, ITestOutputHelper output) : IClassFixture<WebApiService>
{
    private static readonly string[] Pages = ["overview", "forecasts", "savings", "executor", "settings", "lab"];
    private static readonly string[] Widths = ["desktop", "phone"];

    private static string WebFolder => RepositoryRoot.File("web");

    [Fact]
    public async Task EveryPage_LoadsUnderAnIngressPrefix_AndTheControlsWork()
    {
        Assert.True(
            File.Exists("/usr/bin/chromium") || Environment.GetEnvironmentVariable("DARKSTAR_CHROMIUM") is not null,
            "Debian's chromium is not installed: the browser tests need it. eng/install-deps.sh installs it (apt-get install chromium).");
        Assert.True(
            Directory.Exists(Path.Combine(WebFolder, "node_modules", "playwright-core")),
            "web/node_modules has no playwright-core: building src/Darkstar runs npm ci in web/ (needs node and npm).");
        var service = fixture.Rig.Service;
        var shadowBefore = service.Get<ControlStore>().Current.ShadowMode;

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        // Home Assistant's side of the broker: the shadow-mode entity's state must follow the click on the page.
        Assert.NotNull(service.Broker);
        var topics = new DarkstarTopics(fixture.Rig.Options.Mqtt.DiscoveryPrefix, fixture.Rig.Options.Mqtt.TopicBase);
        await using var homeAssistant = await MqttPeer.ConnectAsync(service.Broker.Port, topics.State("+"), stop.Token);
        var browser = ProcessRunner.RunAsync(
            "node",
            ["test/browser.mjs", new Uri(service.HealthUri, "/").ToString(), RepositoryRoot.File("TestResults", "web")],
            workingDirectory: WebFolder,
            timeout: TimeSpan.FromMinutes(5));
        while (!browser.IsCompleted)
        {
            await service.AdvanceAsync(SimulationClock.TickInterval, stop.Token);
            await Task.WhenAny(browser, Task.Delay(TimeSpan.FromMilliseconds(100), stop.Token));
        }

        var run = await browser;
        output.WriteLine(run.Output);
        var checks = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("{\"check\"", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!).ToList();
        var failed = checks.Where(c => !c["ok"]!.GetValue<bool>()).Select(c => c.ToJsonString()).ToList();
        Assert.True(run.ExitCode == 0 && failed.Count == 0, $"node test/browser.mjs failed ({run.ExitCode}):\n{string.Join('\n', failed)}\n{run.Error}");
        // Six pages at two widths, each loaded and named; six fitting 360 px; the car's card at both widths; the four
        // overview checks; three of manual blocks; the Lab study's result.
        Assert.Equal((6 * 2 * 2) + 6 + 2 + 4 + 3 + 1, checks.Count);

        // What the page changed is in the one store, and the executor acts on it.
        Assert.Equal(!shadowBefore, service.Get<ControlStore>().Current.ShadowMode);
        Assert.Equal(!shadowBefore, service.Get<Service.StatusBoard>().Executor!.Shadow);
        var shadowState = !shadowBefore ? "ON" : "OFF";
        await Eventually.HoldsAsync(
            () => homeAssistant.Received.Any(m => m.Topic == topics.State("shadow_mode") && m.PayloadText == shadowState),
            $"the MQTT shadow-mode entity's state to become {shadowState} after the click",
            cancellationToken: stop.Token);
        foreach (var page in Pages)
        {
            foreach (var width in Widths)
            {
                Assert.True(File.Exists(RepositoryRoot.File("TestResults", "web", $"{page}-{width}.png")), $"no screenshot of {page} at {width} width");
            }
        }
    }
}
