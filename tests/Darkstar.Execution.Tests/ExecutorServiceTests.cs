using System.Threading.Channels;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Microsoft.Extensions.Logging.Abstractions;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

public sealed class ExecutorServiceTests
{
    private sealed class ChannelReporter : IExecutorStatusReporter
    {
        public Channel<ExecutorStatus> Reports { get; } = Channel.CreateUnbounded<ExecutorStatus>();

        public Task ReportAsync(ExecutorStatus status, CancellationToken cancellationToken) => Reports.Writer.WriteAsync(status, cancellationToken).AsTask();
    }

    [Fact]
    public async Task ExecuteAsync_Started_TicksAtOnceThenEveryMinuteAndReports()
    {
        var home = FakeHomeAssistant.WithSimulatedInverter();
        using var harness = await ExecutorHarness.CreateAsync(home);
        await harness.WritePlanAsync(Slot(PlannedAction.Hold));
        // The inverter's own hold mode: what the user's override commands (the plan's hold is self-consumption without discharge).
        harness.Settings.Update(s => s with { Override = ManualOverride.Hold });
        var reporter = new ChannelReporter();
        var context = LoopContext.For(harness.Clock);
        using var service = new ExecutorService(harness.Tick, reporter, context, NullLogger<ExecutorService>.Instance);

        await service.StartAsync(CancellationToken.None);
        var first = await reporter.Reports.Reader.ReadAsync().AsTask().WaitAsync(ExecutorHarness.Patience);
        home.Set("select.darkstar_sim_work_mode", "Self consumption");
        var quiet = reporter.Reports.Reader.TryRead(out _);
        // Idle: the next tick's timer is set, so the minute advanced below is the one it waits for.
        await context.Activity.WaitUntilIdleAsync(CancellationToken.None).WaitAsync(ExecutorHarness.Patience);
        harness.Clock.Advance(ExecutorService.TickInterval);
        var second = await reporter.Reports.Reader.ReadAsync().AsTask().WaitAsync(ExecutorHarness.Patience);
        await service.StopAsync(CancellationToken.None).WaitAsync(ExecutorHarness.Patience);

        Assert.False(quiet);
        Assert.Equal((DarkstarStatus.Ok, CommandedAction.Hold), (first.Health, first.CommandedAction));
        Assert.Equal(Now, first.At);
        Assert.Equal(Now + ExecutorService.TickInterval, second.At);
        Assert.Equal(1, second.CommandsSent);
        Assert.Equal("Hold", home.Get("select.darkstar_sim_work_mode"));
    }

    [Fact]
    public async Task RunOnceAsync_TickThrows_ReportsErrorAndKeepsGoing()
    {
        using var harness = await ExecutorHarness.CreateAsync(new ThrowingGateway());
        var reporter = new ChannelReporter();
        using var service = new ExecutorService(harness.Tick, reporter, LoopContext.For(harness.Clock), NullLogger<ExecutorService>.Instance);

        await service.RunRoundAsync(ServiceLoop.StartReason, CancellationToken.None).WaitAsync(ExecutorHarness.Patience);

        Assert.True(reporter.Reports.Reader.TryRead(out var status));
        Assert.Equal(DarkstarStatus.Error, status.Health);
        Assert.Contains("The executor failed: broken gateway", status.Reason, StringComparison.Ordinal);
    }

    private sealed class ThrowingGateway : IHomeAssistantGateway
    {
        public bool IsConnected => throw new InvalidOperationException("broken gateway");

        public Task<IReadOnlyList<HomeAssistant.Model.EntityState>> GetStatesAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("broken gateway");

        public Task CallServiceAsync(HomeAssistant.Model.ServiceCall serviceCall, CancellationToken cancellationToken) => throw new InvalidOperationException("broken gateway");
    }
}
