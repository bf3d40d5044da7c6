namespace Darkstar.Learning.Etl;

/// <summary>
/// One reading of a cumulative energy counter in the sensor's own unit. A null <see cref="Value"/> is an
/// <c>unavailable</c> or <c>unknown</c> state: a gap, never a zero.
/// </summary>
/// <param name="At">When the counter had this value.</param>
/// <param name="Value">The counter in <paramref name="Unit"/>, or null when the sensor had no value.</param>
/// <param name="Unit">The sensor's <c>unit_of_measurement</c> at that moment (Wh, kWh, MWh).</param>
public readonly record struct CounterReading(DateTimeOffset At, double? Value, string? Unit)
{
    /// <summary>
    /// The energy in kWh since <see cref="ChangeSince"/>, as the recorder's statistics give it (<c>change</c>);
    /// used instead of the difference of values when the previous accepted reading is exactly at <see cref="ChangeSince"/>,
    /// so that a reset inside a statistics period loses nothing.
    /// </summary>
    public double? ChangeKwh { get; init; }

    public DateTimeOffset? ChangeSince { get; init; }

    /// <summary>The reading came from the recorder after the fact (backfill or a gap filled after an outage).</summary>
    public bool FromRecorder { get; init; }

    /// <summary>
    /// The reading only restates the last state at a slot boundary (a state holds until it changes): it closes the slot
    /// but is no second, independent reading, so it never confirms a suspected spike.
    /// </summary>
    public bool RestatesLast { get; init; }

    public static CounterReading Gap(DateTimeOffset at) => new(at, null, null);
}

/// <summary>One reading of the battery's state of charge in percent; null when the sensor had no value. It holds until the next one.</summary>
public readonly record struct SocReading(DateTimeOffset At, double? Percent);

/// <summary>
/// The last accepted reading of one counter, in the sensor's own unit: where the next run starts. It is
/// always on a slot boundary, so that every slot before it is complete and none after it is written.
/// </summary>
public sealed record CounterBaseline(DateTimeOffset At, double Value, string? Unit);
