using Darkstar.Core.Domain;

namespace Darkstar.Planning.Model;

/// <summary>One slot of a schedule: energies in kWh in the slot, SoC at its end, its cost at the slot's prices.</summary>
public sealed record ScheduledSlot
{
    public required DateTimeOffset Start { get; init; }

    public required double ImportKwh { get; init; }

    public required double ExportKwh { get; init; }

    public required double ChargeKwh { get; init; }

    public required double DischargeKwh { get; init; }

    public required double CurtailKwh { get; init; }

    public required double WaterKwh { get; init; }

    /// <summary>Load left unserved (a slack); 0 unless nothing else was possible.</summary>
    public required double ShedKwh { get; init; }

    /// <summary>How far the SoC is below its minimum at the end of the slot (a slack), in kWh.</summary>
    public required double SocBelowMinimumKwh { get; init; }

    public required double SocEndPercent { get; init; }

    public required double ImportPrice { get; init; }

    public required double ExportPrice { get; init; }

    /// <summary>Import cost − export revenue + cycle cost of the slot's battery throughput.</summary>
    public required double Cost { get; init; }

    public required PlannedAction Action { get; init; }

    public bool WaterOn => WaterKwh > 0;

    /// <summary>The user's manual block that forces this slot; null where none does.</summary>
    public BlockAction? ManualBlock { get; init; }

    /// <summary>How far the plan falls short of the slot's forced action (kWh, a slack); 0 when it is met.</summary>
    public double BlockShortfallKwh { get; init; }

    /// <summary>Energy into the electric car's charger in the slot (grid side), kWh.</summary>
    public double CarKwh { get; init; }

    /// <summary>Each flexible load's energy in the slot, in the order of <see cref="PlanningProblem.FlexibleLoads"/>; empty without them.</summary>
    public IReadOnlyList<double> FlexibleLoadKwh { get; init; } = [];
}

/// <summary>What a schedule costs, split the way the user reads it. All in the home's currency.</summary>
public sealed record CostBreakdown(double ImportCost, double ExportRevenue, double CycleCost, double PenaltyCost, double TerminalValue)
{
    /// <summary>Import cost − export revenue + cycle cost: what the schedule costs in money.</summary>
    public double EnergyCost => ImportCost - ExportRevenue + CycleCost;
}

/// <summary>A planned schedule and how it was obtained.</summary>
public sealed record Schedule
{
    public required IReadOnlyList<ScheduledSlot> Slots { get; init; }

    /// <summary>The solver's verdict; null when a rule (a baseline) made the schedule.</summary>
    public required SolveStatus? SolverStatus { get; init; }

    /// <summary>True when the solver gave no usable solution and the self-consumption rule made this schedule.</summary>
    public required bool Fallback { get; init; }

    public required double SolveMs { get; init; }

    /// <summary>The model's objective (costs, penalties, less the terminal value); NaN for a fallback.</summary>
    public required double Objective { get; init; }

    public required CostBreakdown Costs { get; init; }

    /// <summary>Water heating that the daily minimum still lacks after the horizon (a slack), kWh.</summary>
    public required double WaterShortfallKwh { get; init; }

    public required string Detail { get; init; }

    /// <summary>How far the car stays below its target at its departure, kWh in the car (0 when it reaches it).</summary>
    public double CarShortfallKwh { get; init; }

    /// <summary>The flexible loads' daily energy that does not fit in their windows (a slack), kWh.</summary>
    public double FlexibleLoadShortfallKwh { get; init; }

    /// <summary>With a peak fee: the period's planned peak and the floor it started from; null without one.</summary>
    public PlannedPeak? Peak { get; init; }

    public double ShedKwh => Slots.Sum(s => s.ShedKwh);

    public double SocBelowMinimumKwh => Slots.Sum(s => s.SocBelowMinimumKwh);

    public double BlockShortfallKwh => Slots.Sum(s => s.BlockShortfallKwh);

    /// <summary>True when a slack was needed: the plan could not meet every constraint as asked.</summary>
    public bool UsedSlack => ShedKwh > 1e-6 || SocBelowMinimumKwh > 1e-6 || WaterShortfallKwh > 1e-6 || CarShortfallKwh > 1e-6 || FlexibleLoadShortfallKwh > 1e-6;

    /// <summary>The status a plan made from this schedule is stored with.</summary>
    public SolveStatus Status => Fallback ? SolveStatus.Fallback : SolverStatus ?? SolveStatus.Rule;

    /// <summary><see cref="Status"/> as stored in <c>plans.solver_status</c> and shown: optimal, feasible_at_limit, fallback, ...</summary>
    public string StatusText => SolveStatusText.Of(Status);
}
