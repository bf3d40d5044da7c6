using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Execution;

/// <summary>Runs <see cref="ExecutorTick"/> at start and then every <see cref="TickInterval"/>, and reports each status.</summary>
public sealed class ExecutorService : BackgroundService
{
    /// <summary>Once a minute: a slot is 15 minutes, so a change of plan or slot is carried out within a minute.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(60);

    private readonly ExecutorTick _tick;
    private readonly IExecutorStatusReporter _reporter;
    private readonly TimeProvider _time;
    private readonly ILogger<ExecutorService> _logger;

    public ExecutorService(ExecutorTick tick, IExecutorStatusReporter reporter, TimeProvider timeProvider, ILogger<ExecutorService> logger)
    {
        ArgumentNullException.ThrowIfNull(tick);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _tick = tick;
        _reporter = reporter;
        _time = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickInterval, _time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One tick and its report; an unexpected error is logged and reported, and the next tick runs as usual.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        ExecutorStatus status;
        try
        {
            status = await _tick.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "The executor tick failed");
            status = new ExecutorStatus(
                ExecutorHealth.Error, $"The executor failed: {ex.Message}", ExecutionMode.SafeMode, _time.GetUtcNow(),
                null, null, ManualOverride.Auto, Shadow: false, PlanId: null, CommandsSent: 0, CommandsFailed: 0);
        }

        try
        {
            await _reporter.ReportAsync(status, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not report the executor's status");
        }
    }
}
