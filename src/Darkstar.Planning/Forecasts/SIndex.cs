using Darkstar.Core.Options;

namespace Darkstar.Planning.Forecasts;

/// <summary>What the dynamic S-index looks at: how far recent PV fell short of its forecast, and the coming temperature.</summary>
/// <param name="RecentPvDeficit">0 when PV met its forecast lately, up to 1 when it produced nothing of it.</param>
/// <param name="MeanTemperatureC">The mean temperature expected over the horizon; null when unknown.</param>
public sealed record SIndexConditions(double RecentPvDeficit, double? MeanTemperatureC)
{
    public static SIndexConditions Neutral { get; } = new(0, null);
}

/// <summary>
/// The S-index: the safety margin on the forecast the planner keeps energy for.
/// static: load × base_factor. dynamic: base_factor raised by the recent PV deficit and by cold, up to max_factor.
/// probabilistic: load moved from p50 towards p90 and PV towards p10 by a share that falls with the risk appetite
/// (1 → all the way, 5 → none), the resulting factor capped at max_factor.
/// </summary>
public static class SIndex
{
    /// <summary>Below this temperature the home needs more (heat pump, longer evenings in); 0 at and above it.</summary>
    public const double ColdBelowC = 15;

    /// <summary>The load factor of the static and dynamic modes.</summary>
    public static double LoadFactor(SIndexOptions options, SIndexConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(conditions);
        if (options.Mode == SIndexMode.Static)
        {
            return options.BaseFactor;
        }

        var cold = conditions.MeanTemperatureC is { } t ? Math.Clamp((ColdBelowC - t) / 20, 0, 1) : 0;
        var factor = options.BaseFactor
            + (options.PvDeficitWeight * Math.Clamp(conditions.RecentPvDeficit, 0, 1))
            + (options.TemperatureWeight * cold);
        return Math.Min(factor, options.MaxFactor);
    }

    /// <summary>The share of the p50→p90 (load) and p50→p10 (PV) distance the probabilistic mode plans for.</summary>
    public static double SpreadShare(int riskAppetite) => Math.Clamp((5 - riskAppetite) / 4.0, 0, 1);

    /// <summary>The forecast with the margin applied: the load and PV the planner plans for.</summary>
    public static (double[] Load, double[] Pv) Apply(PlanningForecast forecast, SIndexOptions options, SIndexConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(options);
        var count = forecast.LoadP50.Count;
        var load = new double[count];
        var pv = new double[count];
        if (options.Mode == SIndexMode.Probabilistic)
        {
            var share = SpreadShare(options.RiskAppetite);
            for (var t = 0; t < count; t++)
            {
                var p50 = forecast.LoadP50[t];
                var raised = p50 + (share * Math.Max(0, forecast.LoadP90[t] - p50));
                load[t] = Math.Min(raised, p50 * options.MaxFactor);
                pv[t] = Math.Max(0, forecast.PvP50[t] - (share * Math.Max(0, forecast.PvP50[t] - forecast.PvP10[t])));
            }

            return (load, pv);
        }

        var factor = LoadFactor(options, conditions);
        for (var t = 0; t < count; t++)
        {
            load[t] = forecast.LoadP50[t] * factor;
            pv[t] = forecast.PvP50[t];
        }

        return (load, pv);
    }
}
