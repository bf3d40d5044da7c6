using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Cli;

/// <summary>
/// The one closed loop the commands run over a database: <c>replay</c> over the home's own, <c>bench plan</c> over a data set
/// imported into a temporary one. Both set it up here, read the same series (<see cref="BenchCommands.ReadActualAsync"/>)
/// and run <see cref="ClosedLoop"/>.
/// </summary>
internal static class ClosedLoopReplay
{
    /// <summary>
    /// The settings of a run: plans every <paramref name="replanSlots"/> with the options' horizon on the prices known
    /// day-ahead, battery export confirmed on the risk appetite's cautious forecast as the service does, the battery
    /// starting at its minimum, and a kWh it gained over the period credited at the mean import price after the discharge loss.
    /// </summary>
    public static ClosedLoopSettings Settings(
        DarkstarOptions options, BatterySpec battery, GridSpec grid, TimeZoneInfo zone, SlotRange period, ActualSeries actual, int replanSlots,
        ClosedLoopForecast forecast, IPlanningForecastSource? source, ClosedLoopExecution execution, IClosedLoopExecutor? executor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(battery);
        ArgumentNullException.ThrowIfNull(actual);
        var periodStart = actual.PositionOf(period.FirstIndex);
        var meanImport = Enumerable.Range(periodStart, period.Count).Average(i => actual.ImportPrice[i]!.Value);
        return new ClosedLoopSettings
        {
            Battery = battery,
            Grid = grid,
            TimeZone = zone,
            Period = period,
            ReplanSlots = replanSlots,
            HorizonSlots = options.Planner.HorizonHours * SlotGrid.SlotsPerHour,
            InitialSocPercent = battery.MinSocPercent,
            // A kWh left at the end replaces an import later, after the discharge loss.
            FinalCreditPerKwh = meanImport * battery.DischargeEfficiency,
            // The MPC and the Oracle judged on the same terms: both plan to the period's end and its credit.
            PlanToPeriodEnd = true,
            Forecast = forecast,
            ForecastSource = source,
            Execution = execution,
            Executor = executor,
            SIndex = null,
            // As the service does: battery export only where a plan on the risk appetite's cautious forecast agrees.
            ExportCaution = Planning.Forecasts.SIndex.SpreadShare(options.SIndex.RiskAppetite),
            PriceHorizon = PriceAvailability.DayAhead(zone),
        };
    }

    /// <summary>
    /// The executor's own rule every minute against the simulated home's inverter (its entities and work modes, the
    /// loop's battery limits, export as the options allow it, and no water heater nor flexible loads: the closed loop plans none).
    /// </summary>
    public static ExecutorInTheLoop Executor(DarkstarOptions options, BatterySpec battery, PeakFeeOptions? peakFee = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(battery);
        var simulated = OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions();
        return new ExecutorInTheLoop(simulated with
        {
            Battery = simulated.Battery with
            {
                CapacityKwh = battery.CapacityKwh,
                MinSocPercent = battery.MinSocPercent,
                MaxSocPercent = battery.MaxSocPercent,
                MaxChargeKw = battery.MaxChargeKw,
                MaxDischargeKw = battery.MaxDischargeKw,
            },
            Grid = simulated.Grid with { ExportAllowed = options.Grid.ExportAllowed },
            WaterHeating = simulated.WaterHeating with { Enabled = false },
            FlexibleLoads = [],
            PeakFee = peakFee ?? simulated.PeakFee,
        }, battery);
    }
}
