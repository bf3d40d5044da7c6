namespace Darkstar.Core.Domain;

/// <summary>
/// One local day measured against perfect hindsight: the Oracle's cost and its breakdown, and the
/// cost of the MPC and of the baselines on the same day. Costs are in the home's currency.
/// </summary>
public sealed record OracleDayResult
{
    public required DateOnly Day { get; init; }

    public required double OracleCost { get; init; }

    public required double OracleImportCost { get; init; }

    public required double OracleExportRevenue { get; init; }

    public required double OracleBatteryWearCost { get; init; }

    public double? MpcCost { get; init; }

    public double? NoBatteryCost { get; init; }

    public double? SelfConsumptionCost { get; init; }

    /// <summary>MPC cost minus Oracle cost; null when there is no MPC cost for the day.</summary>
    public double? Regret { get; init; }

    /// <summary>Further figures (per-slot schedule summary, solve time) as a JSON object.</summary>
    public string? BreakdownJson { get; init; }

    public required DateTimeOffset ComputedAt { get; init; }
}
