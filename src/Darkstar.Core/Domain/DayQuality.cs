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
    public required DateOnly Day { get; init; }

    public required DayQualityStatus Status { get; init; }

    /// <summary>Why the day is not clean, in words a user can act on; null for a clean day.</summary>
    public string? Reason { get; init; }

    /// <summary>Slots the local day has: 96, or 92 and 100 on DST days.</summary>
    public required int ExpectedSlotCount { get; init; }

    public required int ObservedSlotCount { get; init; }

    /// <summary>Observed slots with any quality flag set.</summary>
    public required int FlaggedSlotCount { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
