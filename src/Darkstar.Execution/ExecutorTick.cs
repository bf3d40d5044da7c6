using System.Data.Common;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Execution;

/// <summary>How hard the executor tries to bring one entity to its wanted state within a tick.</summary>
/// <param name="MaxAttempts">Service calls per entity and tick, at least 1.</param>
/// <param name="FirstBackoff">The wait before the second attempt; it doubles for each one after.</param>
public sealed record CommandRetryPolicy(int MaxAttempts, TimeSpan FirstBackoff)
{
    /// <summary>Three attempts, 2 s then 4 s apart: a tick ends well within its minute.</summary>
    public static CommandRetryPolicy Default { get; } = new(3, TimeSpan.FromSeconds(2));

    public TimeSpan BackoffBefore(int attempt) => FirstBackoff * Math.Pow(2, attempt - 2);
}

/// <summary>
/// One pass of the executor: reads the latest plan, the run-time settings and Home Assistant's states,
/// decides (<see cref="ExecutionPolicy"/>), commands each entity that is not yet in its wanted state
/// (reading it back, retrying with backoff), logs every command in <c>execution_log</c>, and returns the
/// status. Calls must not overlap; <see cref="ExecutorService"/> runs it once a minute.
/// </summary>
public sealed class ExecutorTick
{
    private readonly DarkstarOptions _options;
    private readonly PlanRepository _plans;
    private readonly ExecutionLogRepository _log;
    private readonly IHomeAssistantGateway _homeAssistant;
    private readonly IExecutorSettingsSource _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<ExecutorTick> _logger;
    private readonly CommandRetryPolicy _retry;
    private readonly CalmCommands _calm;

    // What shadow mode last logged per entity, so that an unchanged would-be command is logged once, not every minute.
    private readonly Dictionary<string, string> _shadowLogged = new(StringComparer.Ordinal);
    private bool? _inSafeModeLogged;
    private (long PlanId, IReadOnlyList<SlotPlan> Slots)? _slotsOfPlan;

    public ExecutorTick(
        DarkstarOptions options,
        PlanRepository plans,
        ExecutionLogRepository log,
        IHomeAssistantGateway homeAssistant,
        IExecutorSettingsSource settings,
        TimeProvider timeProvider,
        ILogger<ExecutorTick> logger,
        CommandRetryPolicy? retry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(homeAssistant);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _plans = plans;
        _log = log;
        _homeAssistant = homeAssistant;
        _settings = settings;
        _time = timeProvider;
        _logger = logger;
        _retry = retry ?? CommandRetryPolicy.Default;
        _calm = CalmCommands.For(options, replanOnSchedule: true);
        if (_retry.MaxAttempts < 1 || _retry.FirstBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retry), retry, "A retry policy needs at least one attempt and a backoff of at least 0.");
        }
    }

    /// <summary>The status of the last completed tick; null before the first.</summary>
    public ExecutorStatus? LastStatus { get; private set; }

    public async Task<ExecutorStatus> RunAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var settings = _settings.Current;
        var (plan, slot, planReadError) = await ReadPlanAsync(now, cancellationToken);

        var connected = _homeAssistant.IsConnected;
        IReadOnlyList<EntityState> states = [];
        if (connected)
        {
            try
            {
                states = await _homeAssistant.GetStatesAsync(cancellationToken);
            }
            catch (HomeAssistantException ex)
            {
                _logger.LogWarning("Could not read Home Assistant's states: {Message}", ex.Message);
                connected = false;
            }
        }

        var byId = new Dictionary<string, EntityState>(StringComparer.Ordinal);
        foreach (var state in states)
        {
            byId[state.EntityId] = state;
        }

        var decision = ExecutionPolicy.Decide(_options, new ExecutorInputs
        {
            Now = now,
            Settings = settings,
            HomeAssistantConnected = connected,
            Plan = plan,
            CurrentSlot = slot,
            MeasuredSocPercent = MeasuredSoc(byId),
        });

        var context = new RowContext(now, decision);
        if (!settings.ShadowMode)
        {
            _shadowLogged.Clear();
        }

        var sent = 0;
        var failures = new List<string>();
        var lostMidway = false;
        foreach (var target in _calm.Filter(now, decision, byId))
        {
            if (target.IsSatisfiedBy(byId.GetValueOrDefault(target.EntityId)))
            {
                _shadowLogged.Remove(target.EntityId);
                continue;
            }

            if (settings.ShadowMode)
            {
                await LogShadowAsync(context, target, cancellationToken);
                continue;
            }

            var outcome = await CommandAsync(target, cancellationToken);
            sent += outcome.CallsSent;
            await InsertAsync(context.Row(target, outcome.Success, outcome.DurationMs, shadow: false, outcome.Error ?? target.ClampNote), cancellationToken);
            if (outcome.ConnectionLost)
            {
                // The connection, not the command, failed: safe mode until it is back (degraded, not an error).
                lostMidway = true;
                break;
            }

            if (!outcome.Success)
            {
                failures.Add($"{target.EntityId}: {outcome.Error}");
            }
        }

        var status = Status(now, decision, settings, sent, failures, lostMidway, planReadError);
        await LogSafeModeChangeAsync(context, status, settings.ShadowMode, cancellationToken);
        if (LastStatus is null || LastStatus.Health != status.Health || LastStatus.Reason != status.Reason)
        {
            _logger.Log(
                status.Health == DarkstarStatus.Ok ? LogLevel.Information : LogLevel.Warning,
                "Executor {Health} in {Mode}: {Reason}",
                status.Health,
                status.Mode,
                status.Reason ?? "following the plan");
        }

        LastStatus = status;
        return status;
    }

    private async Task<(Plan? Plan, SlotPlan? Slot, string? Error)> ReadPlanAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var plan = await _plans.ReadLatestAsync(cancellationToken);
            if (plan is null)
            {
                return (null, null, null);
            }

            // A stored plan never changes: its slots are read once, not on every tick (once a simulated minute).
            var slots = _slotsOfPlan is { } cached && cached.PlanId == plan.Id ? cached.Slots : await _plans.ReadSlotsAsync(plan.Id, cancellationToken);
            _slotsOfPlan = (plan.Id, slots);
            return (plan, ExecutionPolicy.SlotContaining(slots, now), null);
        }
        catch (DbException ex)
        {
            // Without a readable plan the executor falls back to safe mode, as with no plan at all.
            _logger.LogError("Could not read the latest plan: {Message}", ex.Message);
            return (null, null, $"The plan could not be read ({ex.Message})");
        }
    }

    private double? MeasuredSoc(Dictionary<string, EntityState> states) =>
        _options.InputSensors.BatterySoc is { } socEntity && states.TryGetValue(socEntity, out var soc) && soc.TryGetNumber(out var percent)
            ? percent
            : null;

    private async Task<CommandOutcome> CommandAsync(EntityTarget target, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var call = target.ToServiceCall();
        var callsSent = 0;
        string? error = null;
        for (var attempt = 1; attempt <= _retry.MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(_retry.BackoffBefore(attempt), _time, cancellationToken);
                // A slow integration may only now show the state the last call asked for: then no new call is needed.
                var late = await ReadBackAsync(target, cancellationToken);
                if (late.ConnectionLost)
                {
                    return new CommandOutcome(false, callsSent, Elapsed(started), late.Error, ConnectionLost: true);
                }

                if (late.Satisfied)
                {
                    return Succeeded();
                }
            }

            try
            {
                callsSent++;
                await _homeAssistant.CallServiceAsync(call, cancellationToken);
            }
            catch (HomeAssistantConnectionLostException ex)
            {
                return new CommandOutcome(false, callsSent, Elapsed(started), ex.Message, ConnectionLost: true);
            }
            catch (HomeAssistantException ex)
            {
                error = ex.Message;
                _logger.LogWarning(
                    "{Service} {Value} on {EntityId} failed (attempt {Attempt} of {MaxAttempts}): {Message}",
                    target.Service, target.ValueText, target.EntityId, attempt, _retry.MaxAttempts, ex.Message);
                continue;
            }

            var readBack = await ReadBackAsync(target, cancellationToken);
            if (readBack.ConnectionLost)
            {
                return new CommandOutcome(false, callsSent, Elapsed(started), readBack.Error, ConnectionLost: true);
            }

            if (readBack.Satisfied)
            {
                return Succeeded();
            }

            error = readBack.Error;
            _logger.LogWarning(
                "{EntityId} did not take {Value} after {Service} (attempt {Attempt} of {MaxAttempts}): {Message}",
                target.EntityId, target.ValueText, target.Service, attempt, _retry.MaxAttempts, error);
        }

        _logger.LogError("Gave up bringing {EntityId} to {Value} after {Attempts} attempts: {Message}", target.EntityId, target.ValueText, _retry.MaxAttempts, error);
        return new CommandOutcome(false, callsSent, Elapsed(started), error, ConnectionLost: false);

        CommandOutcome Succeeded()
        {
            _logger.LogInformation("{Service} {Value} on {EntityId}", target.Service, target.ValueText, target.EntityId);
            return new CommandOutcome(true, callsSent, Elapsed(started), null, ConnectionLost: false);
        }
    }

    private async Task<ReadBack> ReadBackAsync(EntityTarget target, CancellationToken cancellationToken)
    {
        try
        {
            var states = await _homeAssistant.GetStatesAsync(cancellationToken);
            var state = states.FirstOrDefault(s => string.Equals(s.EntityId, target.EntityId, StringComparison.Ordinal));
            return target.IsSatisfiedBy(state)
                ? new ReadBack(true, null, false)
                : new ReadBack(false, $"read back '{state?.State ?? "no such entity"}' instead of '{target.ValueText}'", false);
        }
        catch (HomeAssistantConnectionLostException ex)
        {
            return new ReadBack(false, ex.Message, true);
        }
        catch (HomeAssistantException ex)
        {
            return new ReadBack(false, $"could not read back: {ex.Message}", false);
        }
    }

    private async Task LogShadowAsync(RowContext context, EntityTarget target, CancellationToken cancellationToken)
    {
        var key = $"{target.Service} {target.ValueText}";
        if (_shadowLogged.TryGetValue(target.EntityId, out var logged) && logged == key)
        {
            return;
        }

        _shadowLogged[target.EntityId] = key;
        _logger.LogInformation("Shadow mode: would call {Service} {Value} on {EntityId}", target.Service, target.ValueText, target.EntityId);
        await InsertAsync(context.Row(target, success: true, durationMs: 0, shadow: true, target.ClampNote), cancellationToken);
    }

    /// <summary>One row when the executor enters safe mode (with the reason) and one when it leaves it, so that every
    /// safe-mode episode can be shown with its start, end and cause.</summary>
    private async Task LogSafeModeChangeAsync(RowContext context, ExecutorStatus status, bool shadow, CancellationToken cancellationToken)
    {
        var safe = status.Mode == ExecutionMode.SafeMode;
        // After a restart an episode the last run left open is closed by this run's first mode, whatever it is.
        _inSafeModeLogged ??= await LastLoggedModeIsSafeAsync(cancellationToken);
        if (safe == _inSafeModeLogged)
        {
            return;
        }

        _inSafeModeLogged = safe;
        await InsertAsync(context.ModeRow(status, shadow), cancellationToken);
    }

    private async Task<bool> LastLoggedModeIsSafeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var last = await _log.ReadLatestModeChangeAsync(cancellationToken);
            return last?.Mode == ExecutionText.Of(ExecutionMode.SafeMode);
        }
        catch (DbException ex)
        {
            _logger.LogError("Could not read the executor's last mode change: {Message}", ex.Message);
            return false;
        }
    }

    private async Task InsertAsync(ExecutionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await _log.InsertAsync(record, cancellationToken);
        }
        catch (DbException ex)
        {
            // The command itself has happened; a log row lost to a busy or broken database must not stop the executor.
            _logger.LogError("Could not write the execution log for {EntityId}: {Message}", record.EntityId, ex.Message);
        }
    }

    private static ExecutorStatus Status(
        DateTimeOffset now, ExecutorDecision decision, ExecutorRuntimeSettings settings, int sent, List<string> failures, bool lostMidway, string? planReadError)
    {
        var health = decision.Health;
        var reasons = new List<string>();
        if (planReadError is not null)
        {
            reasons.Add(planReadError);
        }

        if (decision.Reason is not null)
        {
            reasons.Add(decision.Reason);
        }

        if (lostMidway)
        {
            health = health == DarkstarStatus.Error ? health : DarkstarStatus.Degraded;
            reasons.Add("Home Assistant connection lost while commanding");
        }

        if (failures.Count > 0)
        {
            health = DarkstarStatus.Error;
            reasons.Add($"{failures.Count} command(s) failed: {string.Join("; ", failures)}");
        }

        var mode = lostMidway ? ExecutionMode.SafeMode : decision.Mode;
        return new ExecutorStatus(
            health,
            reasons.Count == 0 ? null : string.Join("; ", reasons),
            mode,
            now,
            decision.PlannedAction,
            decision.CommandedAction,
            decision.Override,
            settings.ShadowMode,
            decision.PlanId,
            sent,
            failures.Count);
    }

    private double Elapsed(long started) => _time.GetElapsedTime(started).TotalMilliseconds;

    private sealed record CommandOutcome(bool Success, int CallsSent, double DurationMs, string? Error, bool ConnectionLost);

    private sealed record ReadBack(bool Satisfied, string? Error, bool ConnectionLost);

    /// <summary>The parts of an execution-log row that are the same for every command of a tick.</summary>
    private sealed record RowContext(DateTimeOffset Now, ExecutorDecision Decision)
    {
        public ExecutionRecord Row(EntityTarget? target, bool success, double durationMs, bool shadow, string? error) => new()
        {
            ExecutedAt = Now,
            SlotStart = SlotGrid.Floor(Now),
            PlanId = Decision.PlanId,
            PlannedAction = Decision.PlannedAction is { } planned ? ExecutionText.Of(planned) : null,
            CommandedAction = Decision.CommandedAction is { } commanded ? ExecutionText.Of(commanded) : null,
            EntityId = target?.EntityId,
            Service = target?.Service,
            Value = target?.ValueText,
            Success = success,
            DurationMs = Math.Max(durationMs, 0),
            OverrideMode = Decision.Override == ManualOverride.Auto ? null : ManualOverrideText.ToText(Decision.Override),
            Shadow = shadow,
            Error = error,
        };

        /// <summary>The row marking a change of mode: no entity, the mode entered and why.</summary>
        public ExecutionRecord ModeRow(ExecutorStatus status, bool shadow) => Row(null, success: true, durationMs: 0, shadow, error: null) with
        {
            Mode = ExecutionText.Of(status.Mode),
            Reason = status.Reason,
        };
    }
}
