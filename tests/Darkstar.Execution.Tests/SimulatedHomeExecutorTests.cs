using Darkstar.Core.Domain;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Home;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

/// <summary>
/// The executor against the simulated home over real loopback sockets (our WebSocket client), with a real
/// SQLite plan: what the simulated inverter receives and how its state changes.
/// </summary>
public sealed class SimulatedHomeExecutorTests : IAsyncLifetime, IAsyncDisposable
{
    private SimulatedHome _home = null!;
    private HomeAssistantWebSocketClient _client = null!;
    private ExecutorHarness _harness = null!;

    // The client's own clock is fake, so that after a drop it reconnects only when a test says so.
    private readonly FakeTimeProvider _clientClock = new(SlotStart);

    public async Task InitializeAsync()
    {
        _home = new SimulatedHome(new SimulatedHomeOptions { Seed = 7, Start = SlotStart, ClockMode = SimulationClockMode.Stepped });
        await _home.StartAsync(CancellationToken.None).WaitAsync(ExecutorHarness.Patience);
        var longWait = TimeSpan.FromDays(1);
        var settings = HomeAssistantConnectionSettings.ForStandalone(_home.BaseUri, _home.Token) with
        {
            CommandTimeout = longWait,
            AuthTimeout = longWait,
            PingInterval = longWait,
            PongTimeout = longWait,
            ReconnectMinDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            ReconnectJitter = false,
        };
        _client = new HomeAssistantWebSocketClient(settings, _clientClock, NullLogger<HomeAssistantWebSocketClient>.Instance);
        await _client.StartAsync(CancellationToken.None).WaitAsync(ExecutorHarness.Patience);
        _harness = await ExecutorHarness.CreateAsync(new WebSocketHomeAssistantGateway(_client));
    }

    public async Task DisposeAsync()
    {
        _harness?.Dispose();
        if (_client is not null)
        {
            await _client.DisposeAsync().AsTask().WaitAsync(ExecutorHarness.Patience);
        }

        await _home.DisposeAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private string? SimState(string entityId) => _home.States.Get(entityId)?.State;

    private int CallCount => _home.Model.ReceivedServiceCalls.Count;

    [Fact]
    public async Task RunAsync_GridChargePlan_SimulatedInverterChargesFromTheGrid()
    {
        var planId = await _harness.WritePlanAsync(GridCharge());
        var socBefore = _home.Model.SocPercent;

        var status = await _harness.RunAsync();

        Assert.Equal(DarkstarStatus.Ok, status.Health);
        Assert.Equal(WorkModes.ForceCharge, SimState(EntityIds.WorkMode));
        Assert.Equal("on", SimState(EntityIds.GridCharging));
        Assert.Equal("3000", SimState(EntityIds.MaxChargePower));
        Assert.Equal("57", SimState(EntityIds.SocTarget));
        Assert.Equal("10", SimState(EntityIds.DischargeFloor));
        Assert.Equal("on", SimState(EntityIds.WaterHeater));
        var calls = _home.Model.ReceivedServiceCalls;
        Assert.Equal(
            ["select.select_option", "switch.turn_on", "number.set_value", "number.set_value", "number.set_value", "switch.turn_on"],
            calls.Select(c => $"{c.Domain}.{c.Service}"));
        Assert.All(calls, c => Assert.False(c.Failed));
        var rows = await _harness.ReadLogAsync();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.True(r.Success && !r.Shadow && r.PlanId == planId));

        // The home follows: ten minutes of charging at 3 kW from the grid.
        await _home.AdvanceAsync(TimeSpan.FromMinutes(10), CancellationToken.None).WaitAsync(ExecutorHarness.Patience);
        Assert.InRange(_home.Model.SocPercent - socBefore, 4, 5.5);
        Assert.Equal("3000", SimState(EntityIds.BatteryPower));
    }

    [Fact]
    public async Task RunAsync_DayOfSelfConsumption_SocNeverCrossesTheDischargeFloorItSets()
    {
        // No plan: safe mode all day, the inverter's own self-consumption, which alone would go down to its 5 % reserve.
        var minimum = TestPlans.SimulatedHomeOptions.Battery.MinSocPercent;
        Assert.True(minimum > HomeSimulation.MinimumSocPercent);
        var lowest = _home.Model.SocPercent;
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            var status = await _harness.RunAsync();
            Assert.Equal(ExecutionMode.SafeMode, status.Mode);
            await _home.AdvanceAsync(TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(ExecutorHarness.Patience);
            _harness.Clock.Advance(TimeSpan.FromMinutes(1));
            lowest = Math.Min(lowest, _home.Model.SocPercent);
        }

        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
        Assert.Equal("10", SimState(EntityIds.DischargeFloor));
        // The battery went down to the floor and no further.
        Assert.InRange(lowest, minimum - 1e-9, minimum + 0.5);
    }

    [Fact]
    public async Task RunAsync_DayFollowingAPlanThatDischarges_SocStopsAtTheMinimumTheInverterIsTold()
    {
        // A fresh plan every quarter hour that covers the house from the battery down to the minimum: self-consumption,
        // which the inverter alone would run down to its 5 % reserve, between the executor's ticks too.
        var minimum = TestPlans.SimulatedHomeOptions.Battery.MinSocPercent;
        var lowest = _home.Model.SocPercent;
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            if (minute % 15 == 0)
            {
                await _harness.WritePlanAsync(Slot(PlannedAction.Discharge, dischargeKwh: 0.5, socEndPercent: minimum), createdAt: _harness.Clock.GetUtcNow(), slotCount: (24 * 4) + 1);
            }

            var status = await _harness.RunAsync();
            Assert.Equal(ExecutionMode.FollowingPlan, status.Mode);
            await _home.AdvanceAsync(TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(ExecutorHarness.Patience);
            _harness.Clock.Advance(TimeSpan.FromMinutes(1));
            lowest = Math.Min(lowest, _home.Model.SocPercent);
        }

        Assert.Equal("10", SimState(EntityIds.DischargeFloor));
        // The battery covered the house down to the minimum and no further.
        Assert.InRange(lowest, minimum - 1e-9, minimum + 0.5);
    }

    [Fact]
    public async Task RunAsync_SecondTick_OnlyChangedEntitiesAreCommanded()
    {
        await _harness.WritePlanAsync(GridCharge());
        await _harness.RunAsync();
        var afterFirst = CallCount;

        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await _harness.RunAsync();

        Assert.Equal(0, second.CommandsSent);
        Assert.Equal(afterFirst, CallCount);

        // A user flips the work mode by hand: only that entity is put back.
        _home.Model.CallService("select", "select_option", new() { ["option"] = WorkModes.Hold }, new() { ["entity_id"] = EntityIds.WorkMode }, false, _home.Clock.GetUtcNow(), null);
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var third = await _harness.RunAsync();

        Assert.Equal(1, third.CommandsSent);
        var last = _home.Model.ReceivedServiceCalls[^1];
        Assert.Equal(("select", "select_option", EntityIds.WorkMode), (last.Domain, last.Service, last.EntityIds[0]));
        Assert.Equal(WorkModes.ForceCharge, SimState(EntityIds.WorkMode));
    }

    [Fact]
    public async Task RunAsync_ShadowMode_NoCommandButLoggedAsShadow()
    {
        _harness.Settings.Update(s => s with { ShadowMode = true });
        await _harness.WritePlanAsync(GridCharge());

        var status = await _harness.RunAsync();

        Assert.True(status.Shadow);
        Assert.Empty(_home.Model.ReceivedServiceCalls);
        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
        var rows = await _harness.ReadLogAsync();
        // The five of the plan and the discharge floor the simulated home starts below the minimum SoC.
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.True(r.Shadow));
        Assert.Contains(rows, r => r.EntityId == EntityIds.WorkMode && r.Value == WorkModes.ForceCharge && r.Service == "select.select_option");
    }

    [Fact]
    public async Task RunAsync_MasterSwitchOff_NothingSent()
    {
        _harness.Settings.Update(s => s with { ExecutorEnabled = false, Override = ManualOverride.ForceCharge });
        await _harness.WritePlanAsync(GridCharge());

        var status = await _harness.RunAsync();

        Assert.Equal(ExecutionMode.Disabled, status.Mode);
        Assert.Empty(_home.Model.ReceivedServiceCalls);
        Assert.Empty(await _harness.ReadLogAsync());
        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
    }

    [Fact]
    public async Task RunAsync_ManualOverride_WinsOverThePlan()
    {
        _harness.Settings.Update(s => s with { Override = ManualOverride.ForceDischarge });
        await _harness.WritePlanAsync(GridCharge());

        var status = await _harness.RunAsync();

        Assert.Equal(ExecutionMode.ManualOverride, status.Mode);
        Assert.Equal(WorkModes.ForceDischarge, SimState(EntityIds.WorkMode));
        Assert.Equal("off", SimState(EntityIds.GridCharging));
        Assert.Equal("5000", SimState(EntityIds.MaxDischargePower));
        Assert.Equal("10", SimState(EntityIds.SocTarget));
        var rows = await _harness.ReadLogAsync();
        Assert.All(rows, r => Assert.Equal(("force_discharge", "charge", "discharge"), (r.OverrideMode, r.PlannedAction, r.CommandedAction)));
    }

    [Fact]
    public async Task RunAsync_PlanGoesStale_SafeModeSelfConsumptionWithTheReason()
    {
        await _harness.WritePlanAsync(GridCharge(), createdAt: SlotStart);
        await _harness.RunAsync();
        Assert.Equal(WorkModes.ForceCharge, SimState(EntityIds.WorkMode));

        _harness.Clock.Advance(TimeSpan.FromMinutes(31));
        var status = await _harness.RunAsync();

        Assert.Equal(ExecutionMode.SafeMode, status.Mode);
        Assert.Equal(DarkstarStatus.Degraded, status.Health);
        Assert.Contains("The plan is 32 minutes old (more than 30): safe mode", status.Reason, StringComparison.Ordinal);
        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
        Assert.Equal("off", SimState(EntityIds.GridCharging));
        Assert.Equal("5000", SimState(EntityIds.MaxChargePower));
        var safeRows = (await _harness.ReadLogAsync()).Where(r => r.ExecutedAt == Now.AddMinutes(31)).ToList();
        Assert.NotEmpty(safeRows);
        Assert.All(safeRows, r => Assert.Equal(("self_consumption", (long?)null), (r.CommandedAction, r.PlanId)));
    }

    [Fact]
    public async Task RunAsync_FailedSolve_SafeMode()
    {
        await _harness.WritePlanAsync(GridCharge(), solverStatus: SolveStatus.Infeasible);

        var status = await _harness.RunAsync();

        Assert.Equal(ExecutionMode.SafeMode, status.Mode);
        Assert.Contains("solver status 'infeasible'", status.Reason, StringComparison.Ordinal);
        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
        Assert.DoesNotContain(_home.Model.ReceivedServiceCalls, c => c.Service == "turn_on");
    }

    [Fact]
    public async Task RunAsync_HomeAssistantConnectionDropped_SafeModeReportedThenRecoversAfterReconnect()
    {
        await _harness.WritePlanAsync(GridCharge());
        Assert.Equal(ConnectionStatus.Connected, (await _client.ConnectionChanges.ReadAsync().AsTask().WaitAsync(ExecutorHarness.Patience)).Status);

        // Dropped, and the first reconnect refused, so the client waits for its backoff on its own (fake) clock.
        _home.Faults.FailNextResponses(1);
        _home.Faults.DropWebSockets();
        Assert.Equal(ConnectionStatus.Disconnected, (await _client.ConnectionChanges.ReadAsync().AsTask().WaitAsync(ExecutorHarness.Patience)).Status);
        Assert.Equal(ConnectionStatus.Disconnected, (await _client.ConnectionChanges.ReadAsync().AsTask().WaitAsync(ExecutorHarness.Patience)).Status);
        Assert.False(_client.IsConnected);

        var away = await _harness.RunAsync();

        Assert.Equal((DarkstarStatus.Degraded, ExecutionMode.SafeMode), (away.Health, away.Mode));
        Assert.Contains("Home Assistant connection lost", away.Reason, StringComparison.Ordinal);
        Assert.Empty(_home.Model.ReceivedServiceCalls);
        var lossRow = Assert.Single(await _harness.ReadLogAsync());
        Assert.Equal("safe_mode", lossRow.Mode);
        Assert.Contains("Home Assistant connection lost", lossRow.Reason, StringComparison.Ordinal);

        // The backoff elapses on the client's clock; the next tick follows the plan again.
        var reconnected = _client.ConnectionChanges.ReadAsync().AsTask();
        await _clientClock.AdvanceUntilDoneAsync(reconnected, TimeSpan.FromSeconds(1), "the client reconnecting");

        Assert.Equal(ConnectionStatus.Connected, (await reconnected).Status);
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var back = await _harness.RunAsync();

        Assert.Equal((DarkstarStatus.Ok, ExecutionMode.FollowingPlan), (back.Health, back.Mode));
        Assert.Equal(WorkModes.ForceCharge, SimState(EntityIds.WorkMode));
    }

    [Fact]
    public async Task RunAsync_CallFailsEveryAttempt_RetriedLoggedWithSuccessZeroThenRecovers()
    {
        await _harness.WritePlanAsync(GridCharge());
        _home.Faults.FailNextServiceCalls(3);

        var status = await _harness.RunPumpingClockAsync();

        Assert.Equal(DarkstarStatus.Error, status.Health);
        var workModeCalls = _home.Model.ReceivedServiceCalls.Where(c => c.EntityIds.Contains(EntityIds.WorkMode)).ToList();
        Assert.Equal(3, workModeCalls.Count);
        Assert.All(workModeCalls, c => Assert.True(c.Failed));
        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
        var rows = await _harness.ReadLogAsync();
        var failed = Assert.Single(rows, r => !r.Success);
        Assert.Equal(EntityIds.WorkMode, failed.EntityId);
        Assert.Contains("did not answer", failed.Error, StringComparison.Ordinal);
        Assert.Equal(5, rows.Count(r => r.Success));
        Assert.Equal("on", SimState(EntityIds.GridCharging));

        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var next = await _harness.RunAsync();

        Assert.Equal(DarkstarStatus.Ok, next.Health);
        Assert.Equal(WorkModes.ForceCharge, SimState(EntityIds.WorkMode));
    }

    [Fact]
    public async Task RunAsync_CallFailsOnce_RetriedAndSucceeds()
    {
        await _harness.WritePlanAsync(Slot(PlannedAction.Hold));
        _harness.Settings.Update(s => s with { Override = ManualOverride.Hold });
        _home.Faults.FailNextServiceCalls(1);

        var status = await _harness.RunPumpingClockAsync();

        Assert.Equal(DarkstarStatus.Ok, status.Health);
        // The work mode twice, then the discharge floor the simulated home starts below the minimum SoC.
        Assert.Equal(3, _home.Model.ReceivedServiceCalls.Count);
        Assert.Equal(WorkModes.Hold, SimState(EntityIds.WorkMode));
        var rows = await _harness.ReadLogAsync();
        Assert.Equal([EntityIds.WorkMode, EntityIds.DischargeFloor], rows.Select(r => r.EntityId));
        Assert.All(rows, r => Assert.True(r.Success));
    }

    [Fact]
    public async Task RunAsync_DischargePlanAtMinimumSoc_HoldInsteadOfDischarge()
    {
        // The user's minimum raised to the battery's SoC now: the planned discharge must not happen.
        await _harness.WritePlanAsync(Slot(PlannedAction.Discharge, dischargeKwh: 1, socEndPercent: 5));
        var measured = double.Parse(SimState(EntityIds.BatterySoc)!, System.Globalization.CultureInfo.InvariantCulture);
        _harness.Settings.Update(s => s with { MinSocPercent = measured });

        var status = await _harness.RunAsync();

        Assert.Equal(CommandedAction.Hold, status.CommandedAction);
        Assert.Equal(DarkstarStatus.Degraded, status.Health);
        // Held as the plan holds: self-consumption with no discharge, so PV surplus is still stored.
        Assert.Equal(WorkModes.SelfConsumption, SimState(EntityIds.WorkMode));
        Assert.Equal("0", SimState(EntityIds.MaxDischargePower));
        Assert.DoesNotContain(_home.Model.ReceivedServiceCalls, c => c.ServiceData.Contains(WorkModes.ForceDischarge, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RandomPlans_NoCommandEverBreaksTheLimits()
    {
        var random = new Random(7);
        var actions = Enum.GetValues<PlannedAction>();
        for (var i = 0; i < 12; i++)
        {
            _harness.Settings.Update(s => s with
            {
                MinSocPercent = 10 + (random.NextDouble() * 30),
                MaxSocPercent = 60 + (random.NextDouble() * 40),
                Override = random.Next(4) == 0 ? (ManualOverride)random.Next(5) : ManualOverride.Auto,
            });
            var slot = Slot(
                actions[random.Next(actions.Length)],
                chargeKwh: random.NextDouble() * 3,
                dischargeKwh: random.NextDouble() * 3,
                importKwh: random.NextDouble() * 2,
                socEndPercent: (random.NextDouble() * 140) - 20);
            _harness.Clock.Advance(TimeSpan.FromSeconds(30));
            await _harness.WritePlanAsync(slot, createdAt: _harness.Clock.GetUtcNow());

            var callsBefore = CallCount;
            await _harness.RunAsync();

            var settings = _harness.Settings.Current;
            var min = Math.Max(10, settings.MinSocPercent);
            var max = Math.Min(100, settings.MaxSocPercent);
            Assert.InRange(double.Parse(SimState(EntityIds.MaxChargePower)!, System.Globalization.CultureInfo.InvariantCulture), 0, 5000);
            Assert.InRange(double.Parse(SimState(EntityIds.MaxDischargePower)!, System.Globalization.CultureInfo.InvariantCulture), 0, 5000);
            foreach (var target in _home.Model.ReceivedServiceCalls.Skip(callsBefore).Where(c => c.EntityIds.Contains(EntityIds.SocTarget)))
            {
                var value = System.Text.Json.Nodes.JsonNode.Parse(target.ServiceData)!["value"]!.GetValue<double>();
                Assert.InRange(value, min - 1e-9, max + 1e-9);
            }

            var soc = double.Parse(SimState(EntityIds.BatterySoc)!, System.Globalization.CultureInfo.InvariantCulture);
            if (soc <= min)
            {
                Assert.DoesNotContain(
                    _home.Model.ReceivedServiceCalls.Skip(callsBefore),
                    c => c.ServiceData.Contains(WorkModes.ForceDischarge, StringComparison.Ordinal) || c.ServiceData.Contains(WorkModes.ForceExport, StringComparison.Ordinal));
            }
        }

        Assert.DoesNotContain(_home.Model.ReceivedServiceCalls, c => c.Failed);
    }
}
