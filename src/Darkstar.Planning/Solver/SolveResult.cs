using Darkstar.Core.Domain;

namespace Darkstar.Planning.Solver;

/// <summary>What the solver was asked to respect.</summary>
public sealed record SolverSettings
{
    /// <summary>The default the planner uses: a generous limit that a healthy solve never reaches.</summary>
    public static SolverSettings Default { get; } = new();

    public double TimeLimitSeconds { get; init; } = 10;

    /// <summary>Stop when the best solution is within this fraction of the best bound.</summary>
    public double RelativeGap { get; init; } = 1e-4;

    /// <summary>Further CBC parameters by name (as its command line takes them, without the dash), applied last.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CbcParameters { get; init; } = [];
}

/// <summary>The outcome of a solve: its status, the objective and every variable's value when there is a solution.</summary>
public sealed record SolveResult
{
    public required SolveStatus Status { get; init; }

    /// <summary>The objective including its constant; NaN without a solution.</summary>
    public required double Objective { get; init; }

    /// <summary>The values by column; empty without a solution.</summary>
    public required IReadOnlyList<double> Values { get; init; }

    public required double SolveMs { get; init; }

    /// <summary>What the solver said, in words (CBC's status codes included).</summary>
    public required string Detail { get; init; }

    public bool HasSolution => Status.HasSolution();

    public double this[Variable variable] => Values[variable.Index];

    public double Value(LinearExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return expression.Evaluate(Values);
    }
}
