using Darkstar.Core.Domain;

namespace Darkstar.Execution;

/// <summary>What the executor is steering by.</summary>
public enum ExecutionMode
{
    /// <summary>The current slot of the latest plan.</summary>
    FollowingPlan,

    /// <summary>The user's manual override, which wins over the plan.</summary>
    ManualOverride,

    /// <summary>The inverter's own self-consumption (work mode self_consumption, grid charging off): no usable plan, or Home Assistant lost.</summary>
    SafeMode,

    /// <summary>The master switch is off: nothing is commanded.</summary>
    Disabled,
}

/// <summary>What the executor commands the battery to do, after overrides and limits.</summary>
public enum CommandedAction
{
    Charge,
    Discharge,
    Hold,
    Export,
    SelfConsumption,
}

/// <summary>The outcome of one executor tick, for the status entity and the logs.</summary>
/// <param name="Reason">Why the health is not ok, or what is notable (override, shadow, switched off); null when all is plain.</param>
/// <param name="CommandsSent">Service calls that reached Home Assistant this tick (every attempt).</param>
/// <param name="CommandsFailed">Entities that did not reach their wanted state after every retry.</param>
/// <param name="Health">How the executor is doing: ok following the plan, an override or switched off; degraded on a
/// fallback (safe mode, a limit that changed what was asked); error when it cannot carry out what it must.</param>
public sealed record ExecutorStatus(
    DarkstarStatus Health,
    string? Reason,
    ExecutionMode Mode,
    DateTimeOffset At,
    PlannedAction? PlannedAction,
    CommandedAction? CommandedAction,
    ManualOverride Override,
    bool Shadow,
    long? PlanId,
    int CommandsSent,
    int CommandsFailed);

/// <summary>Receives the status after every tick; the add-on publishes it on the MQTT status entity.</summary>
public interface IExecutorStatusReporter
{
    Task ReportAsync(ExecutorStatus status, CancellationToken cancellationToken);
}

/// <summary>Snake-case words for the execution log (<c>self_consumption</c>, <c>force_charge</c>).</summary>
public static class ExecutionText
{
    public static string Of(CommandedAction action) => action switch
    {
        CommandedAction.Charge => "charge",
        CommandedAction.Discharge => "discharge",
        CommandedAction.Hold => "hold",
        CommandedAction.Export => "export",
        CommandedAction.SelfConsumption => "self_consumption",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a commanded action."),
    };

    public static string Of(ExecutionMode mode) => mode switch
    {
        ExecutionMode.FollowingPlan => "following_plan",
        ExecutionMode.ManualOverride => "manual_override",
        ExecutionMode.SafeMode => "safe_mode",
        ExecutionMode.Disabled => "disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not an execution mode."),
    };

    public static string Of(PlannedAction action) => action switch
    {
        PlannedAction.Charge => "charge",
        PlannedAction.Discharge => "discharge",
        PlannedAction.Hold => "hold",
        PlannedAction.Export => "export",
        PlannedAction.Idle => "idle",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a planned action."),
    };
}
