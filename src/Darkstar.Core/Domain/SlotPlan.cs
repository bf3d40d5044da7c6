namespace Darkstar.Core.Domain;

/// <summary>What the plan intends for a slot, as shown to the user and handed to the executor.</summary>
public enum PlannedAction
{
    Charge,
    Discharge,
    Hold,
    Export,
    Idle,
}

/// <summary>One slot of a <see cref="Plan"/>: energies in kWh in the slot, prices per kWh, cost in the home's currency.</summary>
public sealed record SlotPlan
{
    public required long PlanId { get; init; }

    public required DateTimeOffset SlotStart { get; init; }

    public required double ChargeKwh { get; init; }

    public required double DischargeKwh { get; init; }

    public required double ImportKwh { get; init; }

    public required double ExportKwh { get; init; }

    public required double CurtailKwh { get; init; }

    public required double WaterKwh { get; init; }

    /// <summary>Load the model had to leave unserved (a slack with a large penalty); normally 0.</summary>
    public required double ShedKwh { get; init; }

    public required double SocEndPercent { get; init; }

    public required bool WaterOn { get; init; }

    /// <summary>Energy planned into the electric car's charger (grid side), kWh; 0 without a car.</summary>
    public double CarKwh { get; init; }

    /// <summary>
    /// Each configured flexible load's planned energy in the slot (<c>flexible_loads</c>, by name), kWh; a load the slot
    /// does not run may be absent. Empty without flexible loads.
    /// </summary>
    public IReadOnlyDictionary<string, double> FlexibleLoadKwh { get; init; } = NoFlexibleLoads;

    /// <summary>The one empty <see cref="FlexibleLoadKwh"/>, so that plans without flexible loads compare equal.</summary>
    public static IReadOnlyDictionary<string, double> NoFlexibleLoads { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The flexible load <paramref name="name"/>'s planned energy in the slot, kWh; 0 when it does not run.</summary>
    public double FlexibleLoadKwhOf(string name) => FlexibleLoadKwh.GetValueOrDefault(name);

    public required double ImportPrice { get; init; }

    public required double ExportPrice { get; init; }

    public required double Cost { get; init; }

    public required PlannedAction Action { get; init; }

    /// <summary>The user's manual block that forces this slot; null where none does.</summary>
    public BlockAction? ManualBlock { get; init; }
}
