namespace Darkstar.Simulation.Home;

/// <summary>What the inverter has been told: its work mode and number entities, as the executor commands them.</summary>
/// <param name="WorkMode">One of <see cref="WorkModes"/>.</param>
/// <param name="ReservePercent">The SoC no work mode discharges below (the inverter's discharge floor).</param>
public sealed record InverterControls(string WorkMode, bool GridCharging, double MaxChargeW, double MaxDischargeW, double SocTargetPercent, double ReservePercent);

/// <summary>
/// The simulated inverter's physics, one step at a time: the battery's AC charge and discharge power by work mode,
/// within its power, SoC target and reserve. The simulated home and the benchmark's closed loop share it.
/// </summary>
/// <param name="CapacityKwh">Usable capacity.</param>
/// <param name="MaxPowerKw">The inverter's own charge and discharge limit, whatever the number entities say.</param>
/// <param name="OneWayEfficiency">Charge and discharge efficiency each (√ round trip).</param>
public sealed record InverterModel(double CapacityKwh, double MaxPowerKw, double OneWayEfficiency)
{
    /// <summary>
    /// The battery's AC charge and discharge power (kW) over a step of <paramref name="hours"/> from <paramref name="socKwh"/>,
    /// with <paramref name="surplusKw"/> the PV left over after the home's load (negative: the load the PV does not cover).
    /// </summary>
    public (double Charge, double Discharge) Powers(InverterControls controls, double socKwh, double surplusKw, double hours)
    {
        ArgumentNullException.ThrowIfNull(controls);
        var maxCharge = Math.Min(MaxPowerKw, controls.MaxChargeW / 1000);
        var maxDischarge = Math.Min(MaxPowerKw, controls.MaxDischargeW / 1000);
        var target = controls.SocTargetPercent / 100 * CapacityKwh;
        var floor = controls.ReservePercent / 100 * CapacityKwh;
        double ChargeRoom(double upTo) => Math.Max(upTo - socKwh, 0) / OneWayEfficiency / hours;
        double DischargeRoom(double downTo) => Math.Max(socKwh - Math.Max(downTo, floor), 0) * OneWayEfficiency / hours;

        switch (controls.WorkMode)
        {
            case WorkModes.SelfConsumption:
                return surplusKw >= 0
                    ? (Math.Min(Math.Min(surplusKw, maxCharge), ChargeRoom(CapacityKwh)), 0)
                    : (0, Math.Min(Math.Min(-surplusKw, maxDischarge), DischargeRoom(floor)));
            case WorkModes.ForceCharge:
                // From the grid only when grid charging is on; otherwise from the PV surplus alone.
                var available = controls.GridCharging ? maxCharge : Math.Min(Math.Max(surplusKw, 0), maxCharge);
                return (Math.Min(available, ChargeRoom(target)), 0);
            case WorkModes.ForceDischarge:
                // Covers the home's own load from the battery, down to the SoC target; nothing is exported from it.
                return (0, Math.Min(Math.Min(Math.Max(-surplusKw, 0), maxDischarge), DischargeRoom(target)));
            case WorkModes.ForceExport:
                // Full discharge power down to the SoC target, whatever the load; the rest goes to the grid.
                return (0, Math.Min(maxDischarge, DischargeRoom(target)));
            default:
                return (0, 0);
        }
    }

    /// <summary>The stored energy after a step that charged and discharged at these AC powers.</summary>
    public double SocAfter(double socKwh, double chargeKw, double dischargeKw, double hours) =>
        Math.Clamp(socKwh + (chargeKw * OneWayEfficiency * hours) - (dischargeKw / OneWayEfficiency * hours), 0, CapacityKwh);
}
