namespace Darkstar.Core.Domain;

/// <summary>How the inverter runs a planned slot: the one rule the executor commands and the benchmark's closed loop simulates.</summary>
public enum SlotMode
{
    /// <summary>The plan charges while it imports: charge mode with grid charging, at the planned power, up to the slot's target SoC.</summary>
    GridCharge,

    /// <summary>The plan discharges into the grid: export mode at the planned power, down to the slot's target SoC.</summary>
    Export,

    /// <summary>
    /// The plan sells PV while the battery has room (it stores the energy later, or selling now pays more than storing
    /// it): charge mode without grid charging, the charge power limited to the planned charge; the battery does not
    /// discharge. Where forecasts may err, the planner keeps this only where a plan on a cautious forecast sells PV in the
    /// slot too (CautiousExport); otherwise the slot runs self-consumption and stores the surplus.
    /// </summary>
    PvExport,

    /// <summary>
    /// Everything else (PV charging, covering the load, holding, idle): self-consumption at full power, so the battery
    /// absorbs the forecast error (stores what PV actually has to spare, covers what the home actually draws), never
    /// below <see cref="SlotExecution.FloorPercent(PlannedAction, double, double, double, double)"/>: at the floor it holds.
    /// </summary>
    SelfConsumption,
}

/// <summary>
/// The plan's intent for a slot, read the way peers (Predbat, EMHASS) run a battery: the grid follows the plan only where
/// the plan deliberately uses it (charging from the grid, exporting from the battery); otherwise the battery covers
/// the actual net load within its limits, guarded by the plan's target SoC where the plan keeps energy for later.
/// </summary>
public static class SlotExecution
{
    /// <summary>Below this much energy in a slot (kWh) a flow counts as none: solver noise is not a plan.</summary>
    public const double EpsilonKwh = 0.001;

    /// <summary>A planned SoC within this of the minimum is the minimum (percent).</summary>
    public const double SocTolerancePercent = 0.5;

    public static SlotMode Of(
        PlannedAction action, double chargeKwh, double dischargeKwh, double importKwh, double exportKwh, double socEndPercent, double maxSocPercent) => action switch
    {
        PlannedAction.Charge when Math.Min(chargeKwh, importKwh) > EpsilonKwh => SlotMode.GridCharge,
        PlannedAction.Export when dischargeKwh > EpsilonKwh => SlotMode.Export,
        PlannedAction.Charge or PlannedAction.Idle or PlannedAction.Hold
            when exportKwh > EpsilonKwh && socEndPercent < maxSocPercent - SocTolerancePercent => SlotMode.PvExport,
        _ => SlotMode.SelfConsumption,
    };

    /// <summary>
    /// The SoC a self-consumption slot does not discharge below, percent: the plan's SoC at the end of the slot where the
    /// plan holds, or imports while the battery still holds more than its minimum (it keeps that energy for a dearer
    /// slot later), else the minimum SoC.
    /// </summary>
    public static double FloorPercent(PlannedAction action, double importKwh, double socEndPercent, double minSocPercent, double maxSocPercent)
    {
        var keepsEnergy = (action == PlannedAction.Hold || (action is PlannedAction.Discharge or PlannedAction.Idle && importKwh > EpsilonKwh))
            && socEndPercent > minSocPercent + SocTolerancePercent;
        return keepsEnergy ? Math.Clamp(socEndPercent, minSocPercent, maxSocPercent) : minSocPercent;
    }
}
