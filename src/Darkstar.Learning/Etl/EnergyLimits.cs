using Darkstar.Core.Domain;
using Darkstar.Core.Options;

namespace Darkstar.Learning.Etl;

/// <summary>
/// The highest power each counter can physically see, in kW. Energy between two readings above
/// limit × hours × <see cref="Margin"/> + <see cref="RoundingSlackKwh"/> is a spike and is not accepted.
/// </summary>
public sealed record EnergyLimits
{
    /// <summary>Head room above the configured limits: fuses carry a little more than their rating for a while.</summary>
    public const double Margin = 1.25;

    /// <summary>Counters are shown rounded (to 1 Wh or 0.001 kWh and coarser); a jump this small is never a spike.</summary>
    public const double RoundingSlackKwh = 0.05;

    /// <summary>No PV limit is configured: residential arrays stay well under this.</summary>
    public const double GenerousPvKw = 50;

    public required IReadOnlyDictionary<SensorRole, double> LimitKw { get; init; }

    /// <summary>
    /// From the options: grid import at <c>grid.max_import_kw</c>, export at the larger grid limit (the same
    /// connection), PV at <see cref="GenerousPvKw"/> or twice the grid limit, load at import + PV + battery
    /// discharge, battery at its charge and discharge limits, the water heater at its rated power.
    /// </summary>
    public static EnergyLimits FromOptions(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var grid = Math.Max(options.Grid.MaxImportKw, options.Grid.MaxExportKw);
        var pv = Math.Max(GenerousPvKw, 2 * grid);
        var charge = Math.Max(options.Battery.MaxChargeKw, 0.1);
        var discharge = Math.Max(options.Battery.MaxDischargeKw, 0.1);
        return new EnergyLimits
        {
            LimitKw = new Dictionary<SensorRole, double>
            {
                [SensorRole.TotalGridImport] = options.Grid.MaxImportKw,
                [SensorRole.TotalGridExport] = grid,
                [SensorRole.TotalPvProduction] = pv,
                [SensorRole.TotalLoadConsumption] = options.Grid.MaxImportKw + pv + discharge,
                [SensorRole.TotalBatteryCharge] = charge,
                [SensorRole.TotalBatteryDischarge] = discharge,
                [SensorRole.WaterHeaterConsumption] = options.WaterHeating.PowerKw,
                // Inside the load, behind the grid connection: no more than it can bring in with the PV.
                [SensorRole.EvChargerConsumption] = options.Grid.MaxImportKw + pv,
                [SensorRole.HeatPumpConsumption] = options.Grid.MaxImportKw + pv,
            },
        };
    }

    public double MaxEnergyKwh(SensorRole role, TimeSpan interval) =>
        (LimitKw.TryGetValue(role, out var kw) ? kw : GenerousPvKw) * interval.TotalHours * Margin + RoundingSlackKwh;
}
