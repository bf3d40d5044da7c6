using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Planning.Model;

/// <summary>The battery as the model sees it. Efficiencies split the round trip evenly: √η each way.</summary>
public sealed record BatterySpec(
    double CapacityKwh,
    double MinSocPercent,
    double MaxSocPercent,
    double MaxChargeKw,
    double MaxDischargeKw,
    double RoundTripEfficiency,
    double CycleCostPerKwh)
{
    public static BatterySpec None { get; } = new(0, 0, 100, 0, 0, 1, 0);

    public double ChargeEfficiency => Math.Sqrt(RoundTripEfficiency);

    public double DischargeEfficiency => Math.Sqrt(RoundTripEfficiency);

    public double MinKwh => CapacityKwh * MinSocPercent / 100;

    public double MaxKwh => CapacityKwh * MaxSocPercent / 100;

    public double MaxChargeKwhPerSlot => CapacityKwh > 0 ? MaxChargeKw * SlotHours : 0;

    public double MaxDischargeKwhPerSlot => CapacityKwh > 0 ? MaxDischargeKw * SlotHours : 0;

    public static double SlotHours => SlotGrid.MinutesPerSlot / 60.0;

    public double ToKwh(double percent) => CapacityKwh * percent / 100;

    public double ToPercent(double kwh) => CapacityKwh > 0 ? kwh / CapacityKwh * 100 : 0;

    public static BatterySpec FromOptions(BatteryOptions battery)
    {
        ArgumentNullException.ThrowIfNull(battery);
        return new BatterySpec(
            battery.CapacityKwh, battery.MinSocPercent, battery.MaxSocPercent, battery.MaxChargeKw, battery.MaxDischargeKw,
            battery.RoundTripEfficiency, battery.CycleCostPerKwh);
    }
}

/// <summary>The grid connection: power limits in kW, and whether export is allowed at all.</summary>
public sealed record GridSpec(double MaxImportKw, double MaxExportKw, bool ExportAllowed)
{
    public double MaxImportKwhPerSlot => MaxImportKw * BatterySpec.SlotHours;

    public double MaxExportKwhPerSlot => ExportAllowed ? MaxExportKw * BatterySpec.SlotHours : 0;

    public static GridSpec FromOptions(GridOptions grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return new GridSpec(grid.MaxImportKw, grid.MaxExportKw, grid.ExportAllowed);
    }
}

/// <summary>The water heater: whole slots at rated power, a daily minimum, a limit on starts and their spacing.</summary>
public sealed record WaterHeatingSpec(bool Enabled, double PowerKw, double MinKwhPerDay, int MaxBlocksPerDay, int MinSpacingSlots)
{
    public static WaterHeatingSpec Disabled { get; } = new(false, 0, 0, 0, 0);

    public double KwhPerSlot => PowerKw * BatterySpec.SlotHours;

    public static WaterHeatingSpec FromOptions(WaterHeatingOptions water)
    {
        ArgumentNullException.ThrowIfNull(water);
        return new WaterHeatingSpec(
            water.Enabled, water.PowerKw, water.MinKwhPerDay, water.MaxBlocksPerDay, water.MinSpacingMinutes / SlotGrid.MinutesPerSlot);
    }
}

/// <summary>
/// What the water heater already did before the horizon: kWh heated and blocks started on the local day the
/// horizon starts in, whether it is on in the slot just before, and when its last block started (today or late
/// yesterday), so that the minimum spacing between starts holds across the horizon's start.
/// </summary>
public sealed record WaterHeatingToday(double HeatedKwh, int BlocksStarted, bool OnInPreviousSlot, DateTimeOffset? LastStart = null)
{
    public static WaterHeatingToday Nothing { get; } = new(0, 0, false);

    /// <summary>
    /// How many of the horizon's first slots may not start a block: those less than <paramref name="minSpacingSlots"/>
    /// slots after <see cref="LastStart"/>. Counted on the UTC slot grid, so a DST change never shortens the spacing.
    /// </summary>
    public int SlotsBlockedBySpacing(SlotRange horizon, int minSpacingSlots)
    {
        if (LastStart is not { } last || minSpacingSlots <= 1)
        {
            return 0;
        }

        var slotsSinceStart = horizon.FirstIndex - SlotGrid.IndexOf(last);
        return (int)Math.Clamp(minSpacingSlots - slotsSinceStart, 0, horizon.Count);
    }
}

/// <summary>
/// Penalties (currency per kWh) on the slacks that keep the model feasible. They dwarf any price so a
/// slack is used only when nothing else can satisfy the constraint.
/// </summary>
public sealed record SlackPenalties(double ShedPerKwh, double SocBelowMinimumPerKwh, double WaterShortfallPerKwh)
{
    public static SlackPenalties Default { get; } = new(100, 20, 10);

    /// <summary>
    /// Per kWh a forced slot action falls short (<see cref="ForcedSlot"/>): above any price, below shedding load and below the
    /// SoC minimum's, so that a forced discharge stops at the minimum SoC (and says so) rather than going under it.
    /// </summary>
    public double ForcedShortfallPerKwh { get; init; } = 15;

    /// <summary>Per kWh the car lacks at its departure: above any price (so a reachable target is met), below shedding load.</summary>
    public double CarShortfallPerKwh { get; init; } = 30;
}

/// <summary>
/// A manual plan's action for one slot (the Lab's scenarios, a user's manual block), which the model takes as constraints.
/// Soft, at <see cref="SlackPenalties.ForcedShortfallPerKwh"/> per kWh short, so a plan that cannot meet them (an empty
/// battery, a closed grid) still solves and says how far it fell short: at least <see cref="MinExportKwh"/> exported to the
/// grid from the battery (discharged and exported), at least <see cref="MinChargeKwh"/> charged, at least
/// <see cref="MinDischargeKwh"/> discharged, no import while the battery can cover the house (<see cref="NoImport"/>), the
/// SoC at least <see cref="MinSocEndPercent"/> at the slot's end. Hard, as always possible: no charge (<see cref="NoCharge"/>),
/// no discharge (<see cref="NoDischarge"/>), the water heater on (<see cref="WaterOn"/>, where the model plans it).
/// </summary>
public sealed record ForcedSlot(double MinExportKwh = 0, double MinChargeKwh = 0)
{
    public double MinDischargeKwh { get; init; }

    public bool NoCharge { get; init; }

    public bool NoDischarge { get; init; }

    public bool NoImport { get; init; }

    public double? MinSocEndPercent { get; init; }

    public bool WaterOn { get; init; }

    /// <summary>The user's block this slot carries out (shown in the plan); null for the Lab's forced slots.</summary>
    public BlockAction? Block { get; init; }
}

/// <summary>
/// One planning problem: per slot of <see cref="Slots"/> the load and PV to plan for (kWh in the slot) and the
/// import and export prices; the battery's state at the start; the home's equipment.
/// </summary>
public sealed record PlanningProblem
{
    public required SlotRange Slots { get; init; }

    public required IReadOnlyList<double> LoadKwh { get; init; }

    public required IReadOnlyList<double> PvKwh { get; init; }

    public required IReadOnlyList<double> ImportPrice { get; init; }

    public required IReadOnlyList<double> ExportPrice { get; init; }

    public required double InitialSocPercent { get; init; }

    public required BatterySpec Battery { get; init; }

    public required GridSpec Grid { get; init; }

    public WaterHeatingSpec Water { get; init; } = WaterHeatingSpec.Disabled;

    public WaterHeatingToday WaterToday { get; init; } = WaterHeatingToday.Nothing;

    /// <summary>The deferrable loads beside the water heater (none unless the options list some).</summary>
    public IReadOnlyList<FlexibleLoadSpec> FlexibleLoads { get; init; } = [];

    /// <summary>The electric car to charge by its departure; null when there is none or it is not plugged in.</summary>
    public CarChargingSpec? Car { get; init; }

    /// <summary>
    /// Later stays of the car at home, each plugged in from its <see cref="CarChargingSpec.PluggedInFrom"/> to its departure
    /// (none but in the benchmark's Oracle, which knows every evening of its period); they must not overlap.
    /// </summary>
    public IReadOnlyList<CarChargingSpec> LaterCarStays { get; init; } = [];

    /// <summary><see cref="Car"/> and <see cref="LaterCarStays"/>: every stay of the car the plan charges.</summary>
    public IReadOnlyList<CarChargingSpec> CarStays => Car is { } car ? [car, .. LaterCarStays] : LaterCarStays;

    /// <summary>The zone whose local days the water heater's daily minimum counts in.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>The value per kWh of energy left in the battery at the end; null lets the model choose (see <see cref="KeplerModel"/>).</summary>
    public double? TerminalValuePerKwh { get; init; }

    public SlackPenalties Penalties { get; init; } = SlackPenalties.Default;

    /// <summary>Manual slot actions by slot start (the Lab's scenarios, a user's manual blocks); slots outside the horizon are ignored.</summary>
    public IReadOnlyDictionary<DateTimeOffset, ForcedSlot> Forced { get; init; } = new Dictionary<DateTimeOffset, ForcedSlot>();

    /// <summary>The grid's fee on the period's peak import; null when the tariff has none.</summary>
    public PeakFeeSpec? PeakFee { get; init; }

    /// <summary>The peak the period had reached before the horizon (with <see cref="PeakFee"/>).</summary>
    public PeakSoFar PeakSoFar { get; init; } = PeakSoFar.Nothing;

    /// <summary>Checks that every series covers every slot; throws naming the one that does not.</summary>
    public void Validate()
    {
        Check(LoadKwh, nameof(LoadKwh));
        Check(PvKwh, nameof(PvKwh));
        Check(ImportPrice, nameof(ImportPrice));
        Check(ExportPrice, nameof(ExportPrice));
        if (double.IsNaN(InitialSocPercent))
        {
            throw new ArgumentException("The initial state of charge is not a number.", nameof(InitialSocPercent));
        }
    }

    private void Check(IReadOnlyList<double> series, string name)
    {
        if (series.Count != Slots.Count)
        {
            throw new ArgumentException($"{name} has {series.Count} values for {Slots.Count} slots.", name);
        }

        if (series.Any(v => double.IsNaN(v) || double.IsInfinity(v)))
        {
            throw new ArgumentException($"{name} has a value that is not a finite number.", name);
        }
    }
}
