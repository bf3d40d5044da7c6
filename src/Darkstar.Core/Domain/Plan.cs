namespace Darkstar.Core.Domain;

/// <summary>One solve of the planner: its horizon, inputs and how the solve went. Its slots are <see cref="SlotPlan"/>s.</summary>
public sealed record Plan
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset HorizonStart { get; init; }

    /// <summary>The end of the last slot (exclusive).</summary>
    public required DateTimeOffset HorizonEnd { get; init; }

    public required int SlotCount { get; init; }

    public required string ForecastVersion { get; init; }

    /// <summary>How the plan was made: the solver's verdict, or the fallback rule's.</summary>
    public required SolveStatus SolverStatus { get; init; }

    public required double SolveMs { get; init; }

    /// <summary>The objective value in the home's currency; null when the solve failed.</summary>
    public double? Objective { get; init; }

    public required double InitialSocPercent { get; init; }
}
