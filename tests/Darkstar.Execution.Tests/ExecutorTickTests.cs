using Darkstar.Core.Domain;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

public sealed class ExecutorTickTests
{
    [Fact]
    public async Task RunAsync_GridChargePlan_CommandsEachChangedEntityOnceAndLogsIt()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        var planId = await harness.WritePlanAsync(GridCharge());

        var status = await harness.RunAsync();

        Assert.Equal(DarkstarStatus.Ok, status.Health);
        Assert.Equal(ExecutionMode.FollowingPlan, status.Mode);
        Assert.Equal(planId, status.PlanId);
        Assert.Equal(5, status.CommandsSent);
        Assert.Equal("Force charge", home.Get("select.darkstar_sim_work_mode"));
        Assert.Equal("on", home.Get("switch.darkstar_sim_grid_charging"));
        Assert.Equal("3000", home.Get("number.darkstar_sim_max_charge_power"));
        Assert.Equal("57", home.Get("number.darkstar_sim_soc_target"));
        Assert.Equal("on", home.Get("switch.darkstar_sim_water_heater"));
        var rows = await harness.ReadLogAsync();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.True(r.Success);
            Assert.False(r.Shadow);
            Assert.Equal(planId, r.PlanId);
            Assert.Equal("charge", r.PlannedAction);
            Assert.Equal("charge", r.CommandedAction);
            Assert.Null(r.OverrideMode);
            Assert.Equal(SlotStart, r.SlotStart);
            Assert.Null(r.Error);
        });
        var maxCharge = Assert.Single(rows, r => r.EntityId == "number.darkstar_sim_max_charge_power");
        Assert.Equal(("number.set_value", "3000"), (maxCharge.Service, maxCharge.Value));
    }

    [Fact]
    public async Task RunAsync_SecondTick_NothingSentNothingLogged()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        await harness.WritePlanAsync(GridCharge());
        await harness.RunAsync();
        var calls = home.Calls.Count;
        var rows = (await harness.ReadLogAsync()).Count;

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var status = await harness.RunAsync();

        Assert.Equal(0, status.CommandsSent);
        Assert.Equal(calls, home.Calls.Count);
        Assert.Equal(rows, (await harness.ReadLogAsync()).Count);
    }

    [Fact]
    public async Task RunAsync_CallFailsTwice_RetriedWithBackoffThenSucceeds()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        await harness.WritePlanAsync(Slot(PlannedAction.Hold));
        // The inverter's own hold mode: what the user's override commands (the plan's hold is self-consumption without discharge).
        harness.Settings.Update(s => s with { Override = ManualOverride.Hold });
        home.FailNextCalls(2);
        var started = harness.Clock.GetUtcNow();

        var status = await harness.RunPumpingClockAsync();

        Assert.Equal(DarkstarStatus.Ok, status.Health);
        Assert.Equal(3, status.CommandsSent);
        Assert.Equal("Hold", home.Get("select.darkstar_sim_work_mode"));
        var row = Assert.Single(await harness.ReadLogAsync());
        Assert.True(row.Success);
        // 2 s, then 4 s of backoff on the executor's clock.
        Assert.InRange(row.DurationMs, 6000, 60000);
        Assert.True(harness.Clock.GetUtcNow() - started >= TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task RunAsync_CallAlwaysFails_LoggedWithSuccessZeroAndStatusError()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        await harness.WritePlanAsync(Slot(PlannedAction.Hold));
        // The inverter's own hold mode: what the user's override commands (the plan's hold is self-consumption without discharge).
        harness.Settings.Update(s => s with { Override = ManualOverride.Hold });
        home.FailNextCalls(3);

        var status = await harness.RunPumpingClockAsync();

        Assert.Equal(DarkstarStatus.Error, status.Health);
        Assert.Equal(1, status.CommandsFailed);
        Assert.Contains("select.darkstar_sim_work_mode", status.Reason, StringComparison.Ordinal);
        Assert.Equal(3, home.Calls.Count);
        var row = Assert.Single(await harness.ReadLogAsync());
        Assert.False(row.Success);
        Assert.Contains("did not answer", row.Error, StringComparison.Ordinal);
        Assert.Equal("Self consumption", home.Get("select.darkstar_sim_work_mode"));
    }

    [Fact]
    public async Task RunAsync_DeviceIgnoresTheCall_ReadBackFailsAfterBoundedAttempts()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        home.IgnoreCalls = true;
        using var harness = await ExecutorHarness.CreateAsync(home, retry: new CommandRetryPolicy(2, TimeSpan.FromSeconds(1)));
        await harness.WritePlanAsync(Slot(PlannedAction.Hold));
        // The inverter's own hold mode: what the user's override commands (the plan's hold is self-consumption without discharge).
        harness.Settings.Update(s => s with { Override = ManualOverride.Hold });

        var status = await harness.RunPumpingClockAsync();

        Assert.Equal(DarkstarStatus.Error, status.Health);
        Assert.Equal(2, home.Calls.Count);
        var row = Assert.Single(await harness.ReadLogAsync());
        Assert.False(row.Success);
        Assert.Equal("read back 'Self consumption' instead of 'Hold'", row.Error);
    }

    [Fact]
    public async Task RunAsync_ConnectionDropsMidCommand_StopsAndReportsSafeModeDegraded()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        await harness.WritePlanAsync(GridCharge());
        home.LoseConnectionOnNextCall();

        var status = await harness.RunAsync();

        Assert.Equal(DarkstarStatus.Degraded, status.Health);
        Assert.Equal(ExecutionMode.SafeMode, status.Mode);
        Assert.Contains("connection lost while commanding", status.Reason, StringComparison.Ordinal);
        Assert.Single(home.Calls);
        var rows = await harness.ReadLogAsync();
        Assert.False(Assert.Single(rows, r => r.EntityId is not null).Success);
        Assert.Equal("safe_mode", Assert.Single(rows, r => r.Mode is not null).Mode);
    }

    [Fact]
    public async Task RunAsync_Disconnected_SafeModeLoggedOnceThenRecovers()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        home.IsConnected = false;
        using var harness = await ExecutorHarness.CreateAsync(home);
        await harness.WritePlanAsync(GridCharge());

        var first = await harness.RunAsync();
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await harness.RunAsync();

        Assert.Equal((DarkstarStatus.Degraded, ExecutionMode.SafeMode), (first.Health, first.Mode));
        Assert.Equal((DarkstarStatus.Degraded, ExecutionMode.SafeMode), (second.Health, second.Mode));
        Assert.Empty(home.Calls);
        // One row marks the episode's start, with the reason; the second tick in safe mode adds none.
        var row = Assert.Single(await harness.ReadLogAsync());
        Assert.Null(row.EntityId);
        Assert.Equal("safe_mode", row.Mode);
        Assert.Contains("Home Assistant connection lost", row.Reason, StringComparison.Ordinal);

        home.IsConnected = true;
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var recovered = await harness.RunAsync();

        Assert.Equal((DarkstarStatus.Ok, ExecutionMode.FollowingPlan), (recovered.Health, recovered.Mode));
        Assert.Equal("Force charge", home.Get("select.darkstar_sim_work_mode"));
        // ... and one its end.
        var modes = (await harness.ReadLogAsync()).Where(r => r.Mode is not null).Select(r => r.Mode).ToList();
        Assert.Equal(["safe_mode", "following_plan"], modes);
    }

    [Fact]
    public async Task RunAsync_ShadowMode_LogsOnceCommandsNothing()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        harness.Settings.Update(s => s with { ShadowMode = true });
        await harness.WritePlanAsync(GridCharge());

        var status = await harness.RunAsync();
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await harness.RunAsync();

        Assert.True(status.Shadow);
        Assert.Equal(0, status.CommandsSent);
        Assert.Empty(home.Calls);
        var rows = await harness.ReadLogAsync();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.True(r.Shadow && r.Success));
    }

    [Fact]
    public async Task RunAsync_UnreadablePlanDatabase_SafeModeWithTheReason()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        home.Set("select.darkstar_sim_work_mode", "Force charge");
        using var folder = new TempDirectory();
        var database = new Storage.DarkstarDatabase(folder.File("not-migrated.db"));
        var settings = new ExecutorSettingsHolder(LiveSettings());
        var tick = new ExecutorTick(
            SimulatedHomeOptions, new Storage.Repositories.PlanRepository(database), new Storage.Repositories.ExecutionLogRepository(database),
            home, settings, new FakeTimeProvider(Now), NullLogger<ExecutorTick>.Instance);

        var status = await tick.RunAsync(CancellationToken.None).WaitAsync(ExecutorHarness.Patience);

        Assert.Equal(ExecutionMode.SafeMode, status.Mode);
        Assert.Contains("The plan could not be read", status.Reason, StringComparison.Ordinal);
        Assert.Equal("Self consumption", home.Get("select.darkstar_sim_work_mode"));
    }
}
