namespace Darkstar.Core.Domain;

/// <summary>How a local day may be used for training and evaluation.</summary>
public enum DayQualityStatus
{
    /// <summary>Every measurement is usable.</summary>
    Clean,

    /// <summary>Load and PV are usable; the battery's measurements are not.</summary>
    MaskBattery,

    /// <summary>The day is left out.</summary>
    Exclude,
}

/// <summary>The data-quality verdict on one local day in Home Assistant's time zone.</summary>
public sealed record DayQuality
{
    /// <summary>
    /// The slot flags that make a slot's values doubtful. Load derived from the energy balance and values filled
    /// from Home Assistant's recorder are measured, not doubtful: counting them would flag every slot of a home
    /// without a load sensor.
    /// </summary>
    public const SlotQuality DoubtfulFlags = SlotQuality.Interpolated | SlotQuality.Missing | SlotQuality.Spike | SlotQuality.CounterReset;

    public required DateOnly Day { get; init; }

    public required DayQualityStatus Status { get; init; }

    /// <summary>Why the day is not clean, in words a user can act on; null for a clean day.</summary>
    public string? Reason { get; init; }

    /// <summary>Slots the local day has: 96, or 92 and 100 on DST days.</summary>
    public required int ExpectedSlotCount { get; init; }

    public required int ObservedSlotCount { get; init; }

    /// <summary>Observed slots with a doubtful value: any of <see cref="DoubtfulFlags"/> (interpolated, missing, spike, counter reset).</summary>
    public required int FlaggedSlotCount { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
