using System.Text.Json;

namespace Darkstar.Core.Domain;

/// <summary>
/// How a solve ended, and so how a plan was made. The solver ends in one of the first six; <see cref="Fallback"/> and
/// <see cref="Rule"/> are plans made without it. Stored in <c>plans.solver_status</c> as its snake_case text
/// (<see cref="SolveStatusText"/>: <c>optimal</c>, <c>feasible_at_limit</c>, <c>fallback</c>, ...).
/// </summary>
public enum SolveStatus
{
    /// <summary>Proven optimal (within the relative gap asked for).</summary>
    Optimal,

    /// <summary>The time limit stopped the search; the values are the best feasible solution found.</summary>
    FeasibleAtLimit,

    /// <summary>No solution satisfies the constraints.</summary>
    Infeasible,

    /// <summary>The objective can decrease without bound.</summary>
    Unbounded,

    /// <summary>The time limit stopped the search before any feasible solution was found.</summary>
    NoSolutionAtLimit,

    /// <summary>The solver failed or returned values that do not satisfy the model.</summary>
    Error,

    /// <summary>The solver gave no usable solution; the self-consumption rule made the plan.</summary>
    Fallback,

    /// <summary>A rule made the schedule without a solver (the benchmarks' baselines).</summary>
    Rule,
}

/// <summary>The text of a <see cref="SolveStatus"/> and what a status allows.</summary>
public static class SolveStatusText
{
    /// <summary>The status as stored and shown: the member's snake_case name (<c>FeasibleAtLimit</c> is <c>feasible_at_limit</c>).</summary>
    public static string Of(SolveStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    /// <summary>True when the solver found values to follow: proven optimal, or the best found when the time limit stopped it.</summary>
    public static bool HasSolution(this SolveStatus status) => status is SolveStatus.Optimal or SolveStatus.FeasibleAtLimit;
}
