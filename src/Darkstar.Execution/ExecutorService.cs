using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Microsoft.Extensions.Logging;

namespace Darkstar.Execution;

/// <summary>Runs <see cref="ExecutorTick"/> at start and then every <see cref="TickInterval"/>, and reports each status.</summary>
public sealed class ExecutorService(ExecutorTick tick, IExecutorStatusReporter reporter, LoopContext context, ILogger<ExecutorService> logger)
    : ServiceLoop(LoopName, context, logger)
{
    /// <summary>The name <c>/health</c> shows the executor under.</summary>
    public const string LoopName = "executor";

    /// <summary>Once a minute: a slot is 15 minutes, so a change of plan or slot is carried out within a minute.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(60);

    protected override string Activity => "executing";

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => EveryPeriod(roundStarted, TickInterval);

    /// <summary>One tick and its report; an unexpected error of the tick is its status (error, safe mode), reported as any other.</summary>
    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        ExecutorStatus status;
        try
        {
            status = await tick.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Logger.LogError(ex, "The executor tick failed");
            status = new ExecutorStatus(
                DarkstarStatus.Error, $"The executor failed: {ex.Message}", ExecutionMode.SafeMode, Clock.GetUtcNow(),
                null, null, ManualOverride.Auto, Shadow: false, PlanId: null, CommandsSent: 0, CommandsFailed: 0);
        }

        try
        {
            await reporter.ReportAsync(status, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Logger.LogWarning(ex, "Could not report the executor's status");
        }

        // The reporter records the executor's health (the status board: ok, degraded, error with its reason).
        return RoundOutcome.Unreported;
    }
}
