using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.Simulation.Clock;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Xunit.Abstractions;

namespace Darkstar.ServiceTests;

/// <summary>
/// One service for the API tests: started late in the evening, run past local midnight so that the Oracle has judged a
/// day, ingress-only as in the add-on (this test's client connects from 127.0.0.1).
/// </summary>
public sealed class WebApiService : IAsyncLifetime
{
    /// <summary>22:00 in Stockholm: tomorrow's prices are out, and the Oracle's round (00:30) falls inside a short run.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 10, 20, 0, 0, TimeSpan.Zero);

    internal ServiceRig Rig { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        Rig = await ServiceRig.StartAsync(
            o => o with
            {
                HomeAssistant = o.HomeAssistant with { Token = "a-secret-token" },
                Mqtt = o.Mqtt with { Password = "a-secret-password" },
            },
            limit.Token,
            start: Start,
            ingressOnly: true);
        await Rig.RunForAsync(TimeSpan.FromHours(3), limit.Token);
        Http = new HttpClient { BaseAddress = new Uri(Rig.Service.HealthUri, "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Rig is not null)
        {
            await Rig.DisposeAsync();
        }
    }
}

[Collection(ServiceTestGroup.Name)]
public sealed partial class WebApiTests(WebApiService fixture, ITestOutputHelper output) : IClassFixture<WebApiService>
{
    private static readonly string[] Statuses = ["ok", "degraded", "error"];
    private static readonly string[] DayStatuses = ["clean", "mask_battery", "exclude"];
    private static readonly string[] DiagnosticsFiles = ["log.txt", "options.json", "plans.json", "settings.json", "status.json", "version.txt"];

    private HttpClient Http => fixture.Http;

    private Service.SimulatedService Service => fixture.Rig.Service;

    private DarkstarDatabase Database => Service.Get<DarkstarDatabase>();

    private static CancellationToken Limit(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task OpenApi_DescribesEveryPathOfTheApi()
    {
        var document = await GetAsync("api/openapi.json");

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/api/status", "/api/overview", "/api/plan", "/api/forecasts", "/api/costs", "/api/execution", "/api/safe-mode", "/api/controls", "/api/events", "/api/settings" })
        {
            Assert.Contains(path, paths);
        }

        Assert.NotNull(document["paths"]!["/api/controls/{id}"]?["post"]);
        foreach (var path in new[] { "/api/lab/replay", "/api/lab/export", "/api/lab/runs/{id}/cancel" })
        {
            Assert.NotNull(document["paths"]![path]?["post"]);
        }

        Assert.Contains("/api/lab/runs", paths);
    }

    [Fact]
    public async Task Status_SaysTheStatusItsReasonAndTheExecutorsMode()
    {
        var status = await GetAsync("api/status");

        Assert.Contains(status["status"]!.GetValue<string>(), Statuses);
        var (expected, reason) = Service.Get<Service.StatusBoard>().Current();
        Assert.Equal(Core.Domain.DarkstarStatusText.Of(expected), status["status"]!.GetValue<string>());
        Assert.Equal(reason, status["reason"]?.GetValue<string>());
        Assert.Equal(Service.Home.Clock.GetUtcNow(), status["now"]!.GetValue<DateTimeOffset>());
        Assert.Equal("following_plan", status["executor"]!["mode"]!.GetValue<string>());
        Assert.Contains(status["loops"]!.AsArray(), l => l!["name"]!.GetValue<string>() == "planner");
    }

    [Fact]
    public async Task Overview_HoldsTheWindowsPlanForecastsAndPrices_AndAnswersQuickly()
    {
        var overview = await GetAsync("api/overview");
        var (plan, slots) = await new PlanRepository(Database).ReadLatestAsync(Limit()) is { } latest
            ? (latest, await new PlanRepository(Database).ReadSlotsAsync(latest.Id, Limit()))
            : throw new InvalidOperationException("no plan after three hours");

        var window = SlotRange.Between(overview["window"]!["start"]!.GetValue<DateTimeOffset>(), overview["window"]!["end"]!.GetValue<DateTimeOffset>());
        Assert.Equal(48 * SlotGrid.SlotsPerHour, window.Count);
        Assert.Equal(plan.Id, overview["plan"]!["plan"]!["id"]!.GetValue<long>());
        Assert.Equal(slots.Count, overview["plan"]!["slots"]!.AsArray().Count);
        Assert.Equal(slots[0].SocEndPercent, overview["plan"]!["slots"]![0]!["soc_end_percent"]!.GetValue<double>());
        // Each slot carries the flexible loads' planned energy by name (the simulated home's dishwasher).
        var loads = overview["plan"]!["slots"]!.AsArray().Select(s => Assert.IsType<JsonObject>(s!["flexible_load_kwh"])).ToList();
        Assert.Equal(slots.Sum(s => s.FlexibleLoadKwhOf("dishwasher")), loads.Sum(l => l["dishwasher"]?.GetValue<double>() ?? 0), 6);
        var prices = await new PriceRepository(Database).ReadRangeAsync(window, Limit());
        Assert.Equal(prices.Count, overview["prices"]!.AsArray().Count);
        var forecasts = overview["forecasts"]!["slots"]!.AsArray();
        Assert.True(forecasts.Count > 24 * SlotGrid.SlotsPerHour, $"{forecasts.Count} forecast slots in the window");
        Assert.All(forecasts.Where(f => f!["load_p50"] is not null), f =>
        {
            Assert.InRange(f!["load_p50"]!.GetValue<double>(), f["load_p10"]!.GetValue<double>(), f["load_p90"]!.GetValue<double>());
            Assert.InRange(f["pv_p50"]!.GetValue<double>(), f["pv_p10"]!.GetValue<double>(), f["pv_p90"]!.GetValue<double>());
        });
        Assert.Contains(forecasts, f => f!["load_actual"] is not null);
        Assert.Equal(Service.Get<ControlStore>().Current.ExecutorEnabled, overview["controls"]!["executor_enabled"]!.GetValue<bool>());

        // Latency of the overview (measured, reported, not asserted: a shared machine's load is not the service's).
        var timings = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await Http.GetAsync(new Uri("api/overview", UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        output.WriteLine($"api/overview over a {slots.Count}-slot plan and a 48 h window: median {timings[10]:0.0} ms, max {timings[^1]:0.0} ms");
    }

    [Fact]
    public async Task Forecasts_ByVersion_HaveTheirBandsAndWhatWasMeasured()
    {
        var baseline = await GetAsync("api/forecasts?version=baseline_7_day_avg");
        Assert.Equal("baseline_7_day_avg", baseline["version"]!.GetValue<string>());
        var now = Service.Home.Clock.GetUtcNow();
        var past = baseline["slots"]!.AsArray().Where(s => s!["slot_start"]!.GetValue<DateTimeOffset>() < SlotGrid.Floor(now) - SlotGrid.SlotLength).ToList();
        Assert.NotEmpty(past);
        var observed = (await new SlotObservationRepository(Database).ReadRangeAsync(
            SlotRange.Between(past[0]!["slot_start"]!.GetValue<DateTimeOffset>(), SlotGrid.Floor(now)), Limit())).ToDictionary(o => o.SlotStart);
        Assert.All(past, s => Assert.Equal(observed[s!["slot_start"]!.GetValue<DateTimeOffset>()].PvKwh, s["pv_actual"]?.GetValue<double>()));

        var unknown = await GetAsync("api/forecasts?version=no_such_version");
        Assert.DoesNotContain(unknown["slots"]!.AsArray(), s => s!["load_p50"] is not null);
    }

    [Fact]
    public async Task PricesAndObservations_AreTheStoredRowsOfTheRange()
    {
        var from = SlotGrid.Floor(Service.Home.Clock.GetUtcNow()) - TimeSpan.FromHours(6);
        var query = $"from={InstantText.Format(from)}&to={InstantText.Format(from + TimeSpan.FromHours(6))}";
        var range = SlotRange.Between(from, from + TimeSpan.FromHours(6));

        var prices = (await GetAsync($"api/prices?{query}")).AsArray();
        var stored = await new PriceRepository(Database).ReadRangeAsync(range, Limit());
        Assert.Equal(stored.Count, prices.Count);
        Assert.Equal(stored[0].ImportPrice, prices[0]!["import_price"]!.GetValue<double>());

        var observations = (await GetAsync($"api/observations?{query}")).AsArray();
        // The slot that has just ended may still be open in the recorder: the stored rows are the answer.
        Assert.Equal((await new SlotObservationRepository(Database).ReadRangeAsync(range, Limit())).Count, observations.Count);
        Assert.True(observations.Count >= 5 * SlotGrid.SlotsPerHour, $"{observations.Count} slots observed in six hours");
        Assert.Equal(range.Start, observations[0]!["slot_start"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Costs_GiveYesterdayAgainstTheOracle_WithRegretAndSavings()
    {
        var costs = await GetAsync("api/costs?days=3");
        var days = costs["days"]!.AsArray();
        var yesterday = days.Single(d => d!["day"]!["day"]!.GetValue<string>() == "2026-06-10")!["day"]!;
        var stored = (await new OracleResultRepository(Database).ReadRangeAsync(new DateOnly(2026, 6, 10), new DateOnly(2026, 6, 10), Limit())).Single();

        Assert.Equal(stored.OracleCost, yesterday["oracle"]!.GetValue<double>());
        Assert.Equal(stored.MpcCost, yesterday["realised"]?.GetValue<double>());
        Assert.Equal(stored.NoBatteryCost, yesterday["no_battery"]?.GetValue<double>());
        Assert.Equal(stored.SelfConsumptionCost, yesterday["self_consumption"]?.GetValue<double>());
        Assert.Equal(stored.Regret, yesterday["regret"]?.GetValue<double>());
        Assert.True(yesterday["oracle"]!.GetValue<double>() <= yesterday["no_battery"]!.GetValue<double>() + 1e-6, "the Oracle cannot do worse than no battery");
        // Savings count the days with both costs known.
        var savings = days.Select(d => d!["day"]!).Where(d => d["no_battery"] is not null && d["realised"] is not null)
            .Sum(d => d["no_battery"]!.GetValue<double>() - d["realised"]!.GetValue<double>());
        Assert.Equal(savings, days[^1]!["cumulative_savings"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task ExecutionLog_FiltersCommandedFailedAndShadowRows()
    {
        // The whole run (three hours from 22:00 local): the default window is today's local day, which began an hour ago and
        // may hold no command now that the executor sends only changes.
        var window = SlotRange.Between(SlotGrid.Floor(Service.Started), SlotGrid.Ceiling(Service.Home.Clock.GetUtcNow()));
        var range = $"from={InstantText.Format(window.Start)}&to={InstantText.Format(window.End)}";
        var all = (await GetAsync($"api/execution?{range}")).AsArray();
        Assert.NotEmpty(all);
        var stored = await new ExecutionLogRepository(Database).ReadRangeAsync(window.Start, window.End, Limit());
        Assert.Equal(stored.Count, all.Count);
        Assert.True(all[0]!["executed_at"]!.GetValue<DateTimeOffset>() >= all[^1]!["executed_at"]!.GetValue<DateTimeOffset>(), "newest first");
        var commanded = (await GetAsync($"api/execution?filter=commanded&{range}")).AsArray();
        Assert.NotEmpty(commanded);
        Assert.All(commanded, r => Assert.False(r!["shadow"]!.GetValue<bool>()));
        Assert.All(commanded, r => Assert.NotNull(r!["service"]));
        Assert.All((await GetAsync("api/execution?filter=failed")).AsArray(), r => Assert.False(r!["success"]!.GetValue<bool>()));

        using var bad = await Http.GetAsync(new Uri("api/execution?filter=sometimes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("filter must be all, commanded, failed or shadow", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SafeMode_EveryEpisodeTheExecutorLogged_WithItsReason()
    {
        var window = SlotRange.Between(SlotGrid.Floor(Service.Started), SlotGrid.Ceiling(Service.Home.Clock.GetUtcNow()));
        var range = $"from={InstantText.Format(window.Start)}&to={InstantText.Format(window.End)}";
        var episodes = (await GetAsync($"api/safe-mode?{range}")).AsArray();

        // Each time the executor entered safe mode in the run is one episode, with the reason it logged.
        var entered = (await new ExecutionLogRepository(Database).ReadRangeAsync(window.Start, window.End, Limit()))
            .Where(r => r.Mode == "safe_mode").OrderByDescending(r => r.ExecutedAt).ToList();
        Assert.Equal(entered.Select(r => (r.ExecutedAt, r.Reason)), episodes.Select(e => (e!["from"]!.GetValue<DateTimeOffset>(), e["reason"]?.GetValue<string>())));
        Assert.All(episodes, e => Assert.True(e!["until"] is null || e["until"]!.GetValue<DateTimeOffset>() >= e["from"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task ModelRunsDataQualityAndEvaluation_AreListed()
    {
        var runs = (await GetAsync("api/model-runs")).AsArray();
        Assert.Equal((await new ModelRunRepository(Database).ReadAllAsync(Limit())).Count, runs.Count);

        var quality = (await GetAsync("api/data-quality?days=7")).AsArray();
        Assert.NotEmpty(quality);
        Assert.All(quality, d => Assert.Contains(d!["status"]!.GetValue<string>(), DayStatuses));

        var evaluation = await GetAsync("api/forecast-evaluation?days=2");
        Assert.Contains(evaluation["scores"]!.AsArray(), s => s!["version"]!.GetValue<string>() == "baseline_7_day_avg" && s["lead"]!.GetValue<string>() == "0-24h");
    }

    [Fact]
    public async Task Controls_ListEveryControlWithItsValue()
    {
        var controls = (await GetAsync("api/controls")).AsArray();
        var store = Service.Get<ControlStore>();
        Assert.Equal(store.Definitions.Count, controls.Count);
        var shadow = controls.Single(c => c!["id"]!.GetValue<string>() == ControlCatalogue.ShadowMode)!;
        Assert.Equal("switch", shadow["kind"]!.GetValue<string>());
        Assert.Equal(store.Current.StateText(ControlCatalogue.ShadowMode), shadow["value"]!.GetValue<string>());
        Assert.Equal(5, controls.Single(c => c!["id"]!.GetValue<string>() == ControlCatalogue.ManualOverride)!["options"]!.AsArray().Count);
    }

    [Fact]
    public async Task ControlPost_ReachesTheStoreAndTheExecutor()
    {
        using var response = await Http.PostAsJsonAsync(new Uri("api/controls/manual_override", UriKind.Relative), new { value = "hold" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hold", Service.Get<ControlStore>().Current.ManualOverride);

        await Service.AdvanceAsync(SimulationClock.TickInterval * 2, Limit());
        Assert.Equal(ManualOverride.Hold, Service.Get<Service.StatusBoard>().Executor!.Override);
        Assert.Equal("hold", (await GetAsync("api/controls")).AsArray().Single(c => c!["id"]!.GetValue<string>() == "manual_override")!["value"]!.GetValue<string>());

        using var back = await Http.PostAsJsonAsync(new Uri("api/controls/manual_override", UriKind.Relative), new { value = "auto" });
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        await Service.AdvanceAsync(SimulationClock.TickInterval, Limit());
        Assert.Equal(ManualOverride.Auto, Service.Get<Service.StatusBoard>().Executor!.Override);
    }

    [Theory]
    [InlineData("manual_override", """{"value":"sometimes"}""", "sometimes")]
    [InlineData("min_soc", """{"value":"lots"}""", "lots")]
    [InlineData("min_soc", """{"value":"150"}""", "150")]
    [InlineData("no_such_control", """{"value":"ON"}""", "is not a control")]
    [InlineData("shadow_mode", """{"state":"ON"}""", "value is missing")]
    [InlineData("shadow_mode", "not json", "must be JSON")]
    public async Task ControlPost_BadInput_IsA400SayingWhy_AndChangesNothing(string id, string body, string said)
    {
        var before = Service.Get<ControlStore>().Current;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri($"api/controls/{id}", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();
        Assert.Contains(said, error, StringComparison.Ordinal);
        Assert.Equal(before, Service.Get<ControlStore>().Current);
    }

    [Theory]
    [InlineData("api/prices?from=yesterday", "from must be an ISO 8601 instant")]
    [InlineData("api/prices?from=2026-06-11T00:00:00Z&to=2026-06-10T00:00:00Z", "must be after from")]
    [InlineData("api/observations?from=2026-01-01T00:00:00Z&to=2026-06-10T00:00:00Z", "at most 31 days")]
    [InlineData("api/costs?days=-3", "days must be a whole number")]
    public async Task BadRange_IsA400SayingWhy(string path, string said)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(said, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_ArriveAfterTheReplanButton()
    {
        var events = Service.Get<Web.WebEvents>();
        var planner = Service.Get<Planning.Kepler.PlannerLoop>();
        using var stream = await Http.GetStreamAsync(new Uri("api/events", UriKind.Relative));
        using var reader = new StreamReader(stream);
        Assert.Equal(": connected", await reader.ReadLineAsync());
        var plansBefore = planner.Plans;

        using var press = await Http.PostAsJsonAsync(new Uri("api/controls/replan", UriKind.Relative), new { value = "PRESS" });
        Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        await fixture.Rig.AdvanceUntilAsync(() => planner.Plans > plansBefore, TimeSpan.FromMinutes(5), "a plan after the re-plan button", Limit());

        var read = ReadEventAsync(reader, "plan");
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))) == read, "no plan event within 20 s of the plan");
        var data = JsonNode.Parse(await read)!;
        Assert.Equal((await new PlanRepository(Database).ReadLatestAsync(Limit()))!.Id, data["plan_id"]!.GetValue<long>());
        Assert.Equal("re-plan button", data["reason"]!.GetValue<string>());
        Assert.True(events.Listeners >= 1);
    }

    [Fact]
    public async Task Events_ArriveAfterAForecastRound()
    {
        using var stream = await Http.GetStreamAsync(new Uri("api/events", UriKind.Relative));
        using var reader = new StreamReader(stream);
        Assert.Equal(": connected", await reader.ReadLineAsync());
        var read = ReadEventAsync(reader, "forecast");

        // The forecaster runs every quarter hour.
        await fixture.Rig.AdvanceUntilAsync(() => read.IsCompleted, TimeSpan.FromMinutes(20), "a forecast event", Limit());

        var data = JsonNode.Parse(await read)!;
        Assert.Contains(data["versions"]!.AsArray(), v => v!.GetValue<string>() == "baseline_7_day_avg");
        Assert.Equal(SlotGrid.Floor(Service.Home.Clock.GetUtcNow()), SlotGrid.Floor(data["issued_at"]!.GetValue<DateTimeOffset>()));
    }

    private static async Task<string> ReadEventAsync(StreamReader reader, string name)
    {
        string? eventName = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == name)
            {
                return line["data: ".Length..];
            }
        }

        throw new InvalidOperationException($"the event stream ended before a {name} event");
    }

    [Fact]
    public async Task Settings_MaskSecrets_AndCountTheRows()
    {
        var settings = await GetAsync("api/settings");
        var text = settings.ToJsonString();

        Assert.DoesNotContain("a-secret-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a-secret-password", text, StringComparison.Ordinal);
        Assert.Equal("***", settings["options"]!["home_assistant"]!["token"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(settings["versions"]!["darkstar"]!.GetValue<string>()));
        Assert.True(settings["database"]!["bytes"]!.GetValue<long>() > 0);
        var plans = await new PlanRepository(Database).ReadLatestAsync(Limit());
        Assert.True(settings["database"]!["rows"]!["plans"]!.GetValue<long>() >= 1);
        Assert.Equal(Schema.TableNames.Count, settings["database"]!["rows"]!.AsObject().Count);
        Assert.NotNull(plans);
    }

    [Fact]
    public async Task Diagnostics_IsAZipOfVersionsMaskedOptionsPlansAndTheLog()
    {
        using var response = await Http.GetAsync(new Uri("api/diagnostics", UriKind.Relative));
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        Assert.Equal(
            DiagnosticsFiles,
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        string Read(string name)
        {
            using var entry = new StreamReader(zip.GetEntry(name)!.Open());
            return entry.ReadToEnd();
        }

        var options = Read("options.json");
        Assert.DoesNotContain("a-secret", options, StringComparison.Ordinal);
        Assert.Contains("\"***\"", options, StringComparison.Ordinal);
        Assert.StartsWith("Darkstar: ", Read("version.txt"), StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(Read("plans.json"))!.AsArray().Count >= 1);
        // The rig logs warnings and above; every line the service logged at that level is in the bundle.
        var log = Read("log.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(log);
        Assert.All(log.Where(l => char.IsDigit(l[0])), l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (Warning|Error|Critical) ", l));
    }

    [Fact]
    public async Task IngressOnly_AnotherLoopbackAddressIsRefused()
    {
        var port = Service.HealthUri.Port;
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri("api/status", UriKind.Relative))).StatusCode);

        // The connection is closed before a byte of HTTP: the answer is an end of stream or a reset, never a response.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var received = -1;
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /api/status HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            received = await socket.ReceiveAsync(new byte[1024], SocketFlags.None, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.ConnectionAborted)
        {
            received = 0;
        }

        Assert.Equal(0, received);
    }
}
