using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Weather;
using Darkstar.Mqtt;
using Darkstar.Mqtt.Discovery;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Solver;
using Darkstar.Service;
using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Home;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.ServiceTests;

/// <summary>The service's safe mode and what it keeps: Home Assistant lost, a failed solve, a restart, live weather.</summary>
[Collection(ServiceTestGroup.Name)]
public sealed class ResilienceTests
{
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task HomeAssistantLost_StatusDegradedWithReasonExecutorSafeMode_RecoversToOk()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        var board = service.Get<StatusBoard>();
        var homeAssistant = service.Get<HomeAssistantWebSocketClient>();
        await rig.RunForAsync(TimeSpan.FromHours(1), limit.Token);
        Assert.True(board.Current().Status == DarkstarStatus.Ok, $"not ok before the fault: {board.Current().Reason}");

        service.Home.Faults.RefuseWebSockets = true;
        service.Home.Faults.DropWebSockets();
        await Eventually.HoldsAsync(() => !homeAssistant.IsConnected, "the service noticed the connection drop", cancellationToken: limit.Token);
        await rig.AdvanceUntilAsync(
            () => board.Executor is { Mode: ExecutionMode.SafeMode } && board.Current().Status == DarkstarStatus.Degraded,
            TimeSpan.FromMinutes(5), "degraded and safe mode after the connection was lost", limit.Token);

        var (status, reason) = board.Current();
        Assert.Equal(DarkstarStatus.Degraded, status);
        Assert.Contains("Home Assistant", reason, StringComparison.Ordinal);
        Assert.Equal(DarkstarStatus.Degraded, board.Executor!.Health);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var response = await http.GetAsync(service.HealthUri, limit.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(limit.Token));
            Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
            Assert.Contains("Home Assistant", health.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        // Half an hour (simulated) away: never an error, only degraded, and safe mode throughout.
        for (var minute = 0; minute < 30; minute++)
        {
            await service.AdvanceAsync(SimulationClock.TickInterval, limit.Token);
            Assert.Equal(DarkstarStatus.Degraded, board.Current().Status);
            Assert.Equal(ExecutionMode.SafeMode, board.Executor?.Mode);
        }

        service.Home.Faults.RefuseWebSockets = false;
        await Eventually.HoldsAsync(() => homeAssistant.IsConnected, "reconnected to Home Assistant", cancellationToken: limit.Token);
        await rig.AdvanceUntilAsync(
            () => board.Current().Status == DarkstarStatus.Ok && board.Executor is { Mode: ExecutionMode.FollowingPlan },
            TimeSpan.FromMinutes(20), "ok and following the plan after Home Assistant came back", limit.Token);

        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(summary.SlotsExpected, summary.SlotsObserved);
    }

    [Fact]
    public async Task SolverFails_StatusDegradedWithReasonExecutorSafeModeSelfConsumption_RecoversToOk()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        var solver = new BreakableSolver();
        await using var rig = await ServiceRig.StartAsync(null, limit.Token, solver.Solve);
        var service = rig.Service;
        var board = service.Get<StatusBoard>();
        var planner = service.Get<PlannerLoop>();
        var triggers = service.Get<ServiceTriggers>();
        await rig.RunForAsync(TimeSpan.FromHours(1), limit.Token);
        Assert.True(
            board.Current().Status == DarkstarStatus.Ok && board.Executor is { Mode: ExecutionMode.FollowingPlan },
            $"not ok and following the plan before the fault: {board.Current().Reason}, {board.Executor?.Mode}");

        // CBC breaks (its native library throws): the next plan is the self-consumption fallback.
        solver.Broken = true;
        var before = planner.Plans;
        triggers.Press(DarkstarButton.Replan);
        await service.WaitUntilIdleAsync(limit.Token);
        Assert.Equal(before + 1, planner.Plans);
        await rig.AdvanceUntilAsync(
            () => board.Executor is { Mode: ExecutionMode.SafeMode } && board.Current().Status == DarkstarStatus.Degraded,
            TimeSpan.FromMinutes(2), "degraded and safe mode after the failed solve", limit.Token);

        var (status, reason) = board.Current();
        Assert.Equal(DarkstarStatus.Degraded, status);
        Assert.Contains("solve failed", reason, StringComparison.Ordinal);
        Assert.Contains("planner: the solver failed", reason, StringComparison.Ordinal);
        Assert.Equal(CommandedAction.SelfConsumption, board.Executor!.CommandedAction);
        var latest = await new PlanRepository(service.Get<DarkstarDatabase>()).ReadLatestAsync(limit.Token);
        Assert.Equal(Core.Domain.SolveStatus.Fallback, latest!.SolverStatus);
        Assert.Equal(rig.Options.Executor.WorkModeSelfConsumption, service.Home.States.Get(EntityIds.WorkMode)?.State);
        Assert.Equal("off", service.Home.States.Get(EntityIds.GridCharging)?.State);

        solver.Broken = false;
        triggers.Press(DarkstarButton.Replan);
        await service.WaitUntilIdleAsync(limit.Token);
        await rig.AdvanceUntilAsync(
            () => board.Current().Status == DarkstarStatus.Ok && board.Executor is { Mode: ExecutionMode.FollowingPlan },
            TimeSpan.FromMinutes(2), "ok and following the plan once the solver works again", limit.Token);

        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
        Assert.True(solver.Failures > 0);
    }

    [Fact]
    public async Task UserSettings_ServiceRestartedOnSameDatabaseAndBroker_StillInEffectAndPublishedAgain()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        Assert.NotNull(service.Broker);
        var topics = new DarkstarTopics(rig.Options.Mqtt.DiscoveryPrefix, rig.Options.Mqtt.TopicBase);
        await using var homeAssistant = await MqttPeer.ConnectAsync(service.Broker.Port, topics.State("+"), limit.Token);
        await rig.RunForAsync(TimeSpan.FromMinutes(20), limit.Token);

        // As Home Assistant sends them when the user flips a switch, picks an option, sets a number.
        await homeAssistant.PublishAsync(topics.Command(DarkstarEntityIds.AllowExport), "OFF", limit.Token);
        await homeAssistant.PublishAsync(topics.Command(DarkstarEntityIds.ManualOverride), "hold", limit.Token);
        await homeAssistant.PublishAsync(topics.Command(DarkstarEntityIds.RiskAppetite), "5", limit.Token);
        await homeAssistant.PublishAsync(topics.Command(DarkstarEntityIds.MinSoc), "25", limit.Token);
        await Eventually.HoldsAsync(() => InEffect(service), "the four settings in effect", cancellationToken: limit.Token);
        var commandsBefore = service.CommandsReceived().Count;
        // In effect at once; written to the database just after: wait for the writes rather than race them.
        var settings = new UserSettingRepository(service.Get<DarkstarDatabase>());
        await Eventually.HoldsAsync(
            async token => (await settings.ReadAllAsync(token)).Count >= 4, "the four settings stored", cancellationToken: limit.Token);

        var sinceRestart = homeAssistant.Received.Count;
        await service.RestartServiceAsync(limit.Token);
        // Restored from the database before any loop started: in effect at once, before the clock moves.
        Assert.True(InEffect(service), "the four settings not in effect after the restart");
        await rig.AdvanceUntilAsync(
            () => service.Get<StatusBoard>().Executor is { Mode: ExecutionMode.ManualOverride, Override: ManualOverride.Hold },
            TimeSpan.FromMinutes(2), "the executor holding (the stored override) after the restart", limit.Token);

        // The new service publishes them again (not merely the broker's retained copies from before).
        foreach (var (id, value) in new[] { (DarkstarEntityIds.AllowExport, "OFF"), (DarkstarEntityIds.ManualOverride, "hold"), (DarkstarEntityIds.RiskAppetite, "5"), (DarkstarEntityIds.MinSoc, "25") })
        {
            await Eventually.HoldsAsync(
                () => homeAssistant.Received.Skip(sinceRestart).Any(m => m.Topic == topics.State(id) && m.PayloadText == value && !m.Retained),
                $"'{value}' published again on {topics.State(id)}", cancellationToken: limit.Token);
        }

        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
        // Holding, export off, before and after the restart: the inverter was never told to export.
        AssertNoExportCommanded([.. service.CommandsReceived().Skip(commandsBefore)], rig);

        static bool InEffect(SimulatedService service)
        {
            var executor = service.Get<IExecutorSettingsSource>().Current;
            var planner = service.Get<ControlStore>().Current;
            return !executor.AllowExport && executor.Override == ManualOverride.Hold && executor.MinSocPercent == 25
                && planner.RiskAppetite == 5 && planner.MinSocPercent == 25 && !planner.AllowExport;
        }
    }

    [Fact]
    public async Task Weather_AfterSimulatedHours_ForecastRowsForTheComingHours()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        await rig.RunForAsync(TimeSpan.FromHours(3), limit.Token);

        var now = service.Home.Clock.GetUtcNow();
        var coming = SlotGrid.Horizon(now, TimeSpan.FromHours(24));
        var forecast = await new WeatherRepository(service.Get<DarkstarDatabase>()).ReadLatestForecastAsync(coming, now, limit.Token);
        Assert.Equal(coming.Count, forecast.Count);
        Assert.All(forecast, w => Assert.NotNull(w.ShortwaveRadiationWM2));
        // Issued by the loop during the run (hourly), not once at start only.
        Assert.True(forecast.Max(w => w.IssuedAt) > service.Started + TimeSpan.FromHours(1));
        var health = service.Get<ServiceHealth>().Loops.Single(l => l.Name == WeatherLoop.LoopName);
        Assert.NotNull(health.LastSuccess);
        Assert.Null(health.Problem);

        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public async Task TokenRefused_ServiceStaysUpInErrorSayingSo_AndGoesOnOnceAccepted()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        var board = service.Get<StatusBoard>();
        var homeAssistant = service.Get<HomeAssistantWebSocketClient>();
        await rig.RunForAsync(TimeSpan.FromMinutes(30), limit.Token);

        service.Home.Faults.RefuseAuth = true;
        service.Home.Faults.DropWebSockets();
        // The clock stands still while the client reconnects (its first attempt is at once) and is refused: a clock stepped
        // a minute at a time would race the real handshake past its timeouts.
        await Eventually.HoldsAsync(() => board.Current().Status == DarkstarStatus.Error, "error after the token was refused", cancellationToken: limit.Token);
        Assert.Contains("Home Assistant refused the access token", board.Current().Reason, StringComparison.Ordinal);
        await AssertHealthAsync(service, HttpStatusCode.ServiceUnavailable, "error", "refused the access token", limit.Token);
        // Up and in error for a quarter hour, not stopped.
        for (var minute = 0; minute < 15; minute++)
        {
            await service.AdvanceAsync(SimulationClock.TickInterval, limit.Token);
            Assert.True(board.Current().Status == DarkstarStatus.Error, $"{board.Current()} at {InstantText.Format(service.Home.Clock.GetUtcNow())}, connected {homeAssistant.IsConnected}");
        }

        Assert.False(service.App.Lifetime.ApplicationStopping.IsCancellationRequested, "the host stopped");

        service.Home.Faults.RefuseAuth = false;
        await Eventually.HoldsAsync(() => homeAssistant.IsConnected, "connected once the token was accepted", cancellationToken: limit.Token);
        await rig.AdvanceUntilAsync(() => board.Current().Status == DarkstarStatus.Ok, TimeSpan.FromMinutes(20), "ok once the token was accepted", limit.Token);
        // The time refused is filled from Home Assistant's statistics at the next slot boundary.
        var recorder = service.Get<Learning.Recording.LiveRecorder>();
        await rig.AdvanceUntilAsync(
            () => recorder.Status is { OutageSince: null, RecordedUntil: { } until } && until >= SlotGrid.Floor(service.Home.Clock.GetUtcNow()),
            TimeSpan.FromMinutes(20), "the refused time filled", limit.Token);
        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(summary.SlotsExpected, summary.SlotsObserved);
    }

    [Fact]
    public async Task HomeAssistantBackAndBrokerAway_StatusSaysSoWithinOneTick_OnHealthAndMqttAlike()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        var board = service.Get<StatusBoard>();
        var homeAssistant = service.Get<HomeAssistantWebSocketClient>();
        var topics = new DarkstarTopics(rig.Options.Mqtt.DiscoveryPrefix, rig.Options.Mqtt.TopicBase);
        await using var peer = await MqttPeer.ConnectAsync(service.Broker!.Port, topics.State("+"), limit.Token);
        await rig.RunForAsync(TimeSpan.FromMinutes(30), limit.Token);

        service.Home.Faults.RefuseWebSockets = true;
        service.Home.Faults.DropWebSockets();
        await Eventually.HoldsAsync(() => !homeAssistant.IsConnected, "the service noticed the connection drop", cancellationToken: limit.Token);
        await service.AdvanceAsync(SimulationClock.TickInterval, limit.Token);
        Assert.Contains("Home Assistant unreachable", board.Current().Reason, StringComparison.Ordinal);
        await AssertHealthAsync(service, HttpStatusCode.OK, "degraded", "Home Assistant unreachable", limit.Token);
        // Mid-slot, so that the recorder's gap fill (at the next boundary) is still ahead when Home Assistant is back.
        await rig.AdvanceUntilAsync(() => service.Home.Clock.GetUtcNow().Minute % 15 == 3, TimeSpan.FromMinutes(20), "a slot's third minute", limit.Token);

        service.Home.Faults.RefuseWebSockets = false;
        await Eventually.HoldsAsync(() => homeAssistant.IsConnected, "reconnected to Home Assistant", cancellationToken: limit.Token);
        await service.AdvanceAsync(SimulationClock.TickInterval, limit.Token);
        Assert.DoesNotContain("unreachable", board.Current().Reason ?? "", StringComparison.Ordinal);
        await AssertHealthAsync(service, HttpStatusCode.OK, null, "unreachable", limit.Token, absent: true);
        var status = topics.State(DarkstarEntityIds.Status);
        await Eventually.HoldsAsync(
            () => peer.Received.LastOrDefault(m => m.Topic == status)?.PayloadText == DarkstarStatusText.Of(board.Current().Status),
            "MQTT's status to match /health's", cancellationToken: limit.Token);

        var connection = service.Get<MqttConnection>();
        var restart = service.RestartBrokerAsync(TimeSpan.FromSeconds(8), limit.Token);
        await Eventually.HoldsAsync(() => !connection.IsConnected, "the service noticed the broker gone", cancellationToken: limit.Token);
        await AssertHealthAsync(service, HttpStatusCode.OK, "degraded", "MQTT broker unreachable", limit.Token);
        await restart;
        await Eventually.HoldsAsync(() => connection.IsConnected, "reconnected to the broker", cancellationToken: limit.Token);
        await AssertHealthAsync(service, HttpStatusCode.OK, null, "MQTT broker unreachable", limit.Token, absent: true);
    }

    private static async Task AssertHealthAsync(
        SimulatedService service, HttpStatusCode code, string? status, string reason, CancellationToken cancellationToken, bool absent = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync(service.HealthUri, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(code == response.StatusCode, text);
        using var health = JsonDocument.Parse(text);
        if (status is not null)
        {
            Assert.Equal(status, health.RootElement.GetProperty("status").GetString());
        }

        var said = health.RootElement.GetProperty("reason").GetString() ?? "";
        Assert.True(absent != said.Contains(reason, StringComparison.Ordinal), $"/health reason: {said}");
    }

    private static void AssertNoExportCommanded(IReadOnlyList<ReceivedServiceCall> calls, ServiceRig rig) =>
        Assert.DoesNotContain(calls, c => c.EntityIds.Contains(rig.Options.Executor.WorkModeEntity!) && c.ServiceData.Contains(rig.Options.Executor.WorkModeExport!, StringComparison.Ordinal));

    /// <summary>CBC, or while <see cref="Broken"/> a solver that throws as a crashed native library would.</summary>
    private sealed class BreakableSolver
    {
        private int _failures;

        public volatile bool Broken;

        public int Failures => Volatile.Read(ref _failures);

        public SolveResult Solve(LinearModel model, SolverSettings settings)
        {
            if (Broken)
            {
                Interlocked.Increment(ref _failures);
                throw new InvalidOperationException("CBC crashed");
            }

            return CbcSolver.Solve(model, settings);
        }
    }
}
