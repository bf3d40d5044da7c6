namespace Darkstar.Core.Domain;

/// <summary>
/// What is known to be wrong or made up in a slot's observation. Stored as an integer bit set in
/// <c>slot_observations.quality_flags</c>, so the values are part of the database format: never renumber.
/// </summary>
[Flags]
public enum SlotQuality
{
    None = 0,

    /// <summary>A value was spread over the slot from a reading that spans several slots.</summary>
    Interpolated = 1 << 0,

    /// <summary>At least one measurement had no reading for the slot and is NULL.</summary>
    Missing = 1 << 1,

    /// <summary>A reading jumped implausibly and was discarded.</summary>
    Spike = 1 << 2,

    /// <summary>A cumulative counter went backwards (meter replaced or reset) during the slot.</summary>
    CounterReset = 1 << 3,

    /// <summary>A value was derived from other measurements (for example load from the energy balance).</summary>
    Estimated = 1 << 4,

    /// <summary>The slot was filled later from Home Assistant's recorder after a gap.</summary>
    Backfilled = 1 << 5,

    /// <summary>
    /// The PV meter's own value for the slot was interpolated, a spike or across a reset. Without it, PV was measured
    /// even where a grid meter's gap made the slot <see cref="Interpolated"/> (load is then unknown, PV is not).
    /// </summary>
    PvDoubtful = 1 << 6,
}

/// <summary>Which of a slot's quantities were measured, from its quality flags: what may be learned and scored.</summary>
public static class SlotMeasurement
{
    /// <summary>Flags of a value that was made up from neighbouring readings, not measured.</summary>
    public const SlotQuality Made = SlotQuality.Interpolated | SlotQuality.Spike | SlotQuality.CounterReset;

    /// <summary>Load is derived from every meter, so any made-up value makes it unknown.</summary>
    public static bool LoadMeasured(SlotQuality flags) => (flags & Made) == SlotQuality.None;

    /// <summary>PV is its own meter's: only that meter's gaps make it unknown.</summary>
    public static bool PvMeasured(SlotQuality flags) => (flags & SlotQuality.PvDoubtful) == SlotQuality.None;

    /// <summary>
    /// What forecasts learn from in <paramref name="observation"/>: the load the planner does not schedule itself
    /// (<see cref="SlotObservation.UnplannedLoadKwh"/>) and the PV, each where measured and not negative.
    /// </summary>
    public static MeasuredSlot Of(SlotObservation observation, bool waterHeaterPlanned)
    {
        ArgumentNullException.ThrowIfNull(observation);
        return new MeasuredSlot(
            LoadMeasured(observation.QualityFlags) && observation.UnplannedLoadKwh(waterHeaterPlanned) is { } load && load >= 0 ? load : null,
            PvMeasured(observation.QualityFlags) && observation.PvKwh is { } pv && pv >= 0 ? pv : null);
    }
}

/// <summary>A slot's load and PV in kWh as measured; null where unknown or made up (spread across a gap, a spike).</summary>
public readonly record struct MeasuredSlot(double? Load, double? Pv)
{
    /// <summary>A slot with nothing measured (outside the history, or both values flagged).</summary>
    public static MeasuredSlot Nothing { get; } = new(null, null);
}
