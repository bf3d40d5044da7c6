namespace Darkstar.Core.Domain;

/// <summary>One executor tick: what the plan wanted, what was commanded, and how the command went.</summary>
public sealed record ExecutionRecord
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    public required DateTimeOffset ExecutedAt { get; init; }

    public required DateTimeOffset SlotStart { get; init; }

    /// <summary>The plan followed; null in safe mode or when the plan has since been pruned.</summary>
    public long? PlanId { get; init; }

    public string? PlannedAction { get; init; }

    public string? CommandedAction { get; init; }

    public string? EntityId { get; init; }

    /// <summary>The Home Assistant service called, for example <c>number.set_value</c>.</summary>
    public string? Service { get; init; }

    /// <summary>The value sent, as text.</summary>
    public string? Value { get; init; }

    public required bool Success { get; init; }

    public required double DurationMs { get; init; }

    /// <summary>The manual override in force (for example <c>force_charge</c>); null when automatic.</summary>
    public string? OverrideMode { get; init; }

    /// <summary>True when the command was only logged, not sent (shadow mode).</summary>
    public required bool Shadow { get; init; }

    public string? Error { get; init; }

    /// <summary>On a row that marks a change of the executor's mode (no entity): the mode entered, for example
    /// <c>safe_mode</c> or <c>following_plan</c>; null on command rows.</summary>
    public string? Mode { get; init; }

    /// <summary>Why the mode was entered (the executor's status reason); null on command rows.</summary>
    public string? Reason { get; init; }
}
