using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.Learning.Recording;
using Darkstar.Mqtt;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>
/// The service's one status, for the MQTT status entity and <c>/health</c>: error when commands fail; degraded when the
/// executor runs on a fallback (safe mode for a lost Home Assistant connection, a failed solve or an old plan; a clamp),
/// tomorrow's prices are late, Home Assistant or the broker is away, or a loop's latest run failed; ok otherwise. The
/// executor reports here after every tick, and MQTT publishes it then; <c>/health</c> reads it when asked.
/// </summary>
public sealed class StatusBoard(
    ServiceHealth health,
    LiveRecorder recorder,
    TimeZoneInfo zone,
    TimeProvider clock,
    ILogger<StatusBoard> logger,
    MqttConnection? broker = null) : IExecutorStatusReporter, IDarkstarStatusSource
{
    private ExecutorStatus? _executor;
    private int _commandsSent;
    private int _commandsFailed;
    private (DarkstarStatus Status, string? Reason) _lastLogged = (DarkstarStatus.Ok, null);

    /// <summary>Raised after every executor report, for the MQTT status entity.</summary>
    public event EventHandler? Changed;

    public ExecutorStatus? Executor => Volatile.Read(ref _executor);

    public int CommandsSent => Volatile.Read(ref _commandsSent);

    public int CommandsFailed => Volatile.Read(ref _commandsFailed);

    public Task ReportAsync(ExecutorStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        Volatile.Write(ref _executor, status);
        Interlocked.Add(ref _commandsSent, status.CommandsSent);
        Interlocked.Add(ref _commandsFailed, status.CommandsFailed);
        if (status.Health == DarkstarStatus.Ok)
        {
            health.Succeeded(ExecutorService.LoopName);
        }
        else
        {
            health.Failed(ExecutorService.LoopName, status.Reason ?? status.Health.ToString(), counts: false);
        }

        var current = Current();
        if (current != _lastLogged)
        {
            // A change of status is worth a line; the same status every minute is not.
            logger.LogInformation("Status {Status}: {Reason}", DarkstarStatusText.Of(current.Status), current.Reason ?? "all well");
            _lastLogged = current;
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return Task.CompletedTask;
    }

    /// <summary>The status now, and its reason (null when ok).</summary>
    public (DarkstarStatus Status, string? Reason) Current()
    {
        var executor = Executor;
        if (recorder.TokenRefused is { } refused)
        {
            // Nothing can be read or commanded until the token is accepted: an error a user must fix, not a passing fault.
            return (DarkstarStatus.Error, refused);
        }

        if (executor is { Health: DarkstarStatus.Error })
        {
            return (DarkstarStatus.Error, executor.Reason ?? "the executor cannot carry out the plan");
        }

        var reasons = new List<string>();
        if (executor is { Health: DarkstarStatus.Degraded })
        {
            reasons.Add(executor.Reason ?? "the executor runs on a fallback");
        }

        if (!recorder.HomeAssistantConnected)
        {
            // From the connection itself, so that the line goes the moment Home Assistant is back (its gap fills later).
            reasons.Add(recorder.Status.OutageSince is { } since ? $"Home Assistant unreachable since {InstantText.Format(since)}" : "Home Assistant unreachable");
        }

        if (broker is { IsConnected: false })
        {
            // Home Assistant cannot see this status while the broker is away; /health and the log can.
            reasons.Add("MQTT broker unreachable");
        }

        var now = clock.GetUtcNow();
        if (recorder.Status.Prices is { TomorrowPublished: false } && TimeZoneInfo.ConvertTime(now, zone).Hour >= DayAheadPrices.LateLocalHour)
        {
            reasons.Add("tomorrow's prices are not published yet");
        }

        foreach (var loop in health.Problems())
        {
            // The executor's problem is its reason above; a recorder outage is the Home Assistant line.
            if (!reasons.Any(r => r.Contains(loop.Problem!, StringComparison.Ordinal) || loop.Problem!.Contains(r, StringComparison.Ordinal)))
            {
                reasons.Add($"{loop.Name}: {loop.Problem}");
            }
        }

        return reasons.Count == 0 ? (DarkstarStatus.Ok, null) : (DarkstarStatus.Degraded, string.Join("; ", reasons.Distinct(StringComparer.Ordinal)));
    }
}
