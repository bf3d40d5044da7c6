namespace Darkstar.Core.Options;

/// <summary>
/// The grid operator's fee on the peak power drawn from the grid (a capacity or "effekttariff" fee): so much per kW of
/// the period's peak, the peak measured as the tariff measures it, in the hours and on the days it applies.
/// A fee of 0 means the tariff has none.
/// </summary>
public sealed record PeakFeeOptions
{
    /// <summary>The fee per kW of the period's peak, in the home's currency; 0 turns the fee off.</summary>
    [Between(0, 100000)]
    public double FeePerKw { get; init; }

    public PeakFeePeriod Period { get; init; } = PeakFeePeriod.Month;

    public PeakMeasure Measure { get; init; } = PeakMeasure.MeanOfTopHours;

    /// <summary>With <see cref="PeakMeasure.MeanOfTopHours"/>: how many hours (each on a different day) the mean takes.</summary>
    [Between(1, 31)]
    public int TopHours { get; init; } = 3;

    /// <summary>Local time the fee's hours start (inclusive); equal to <see cref="ToTime"/>, all day.</summary>
    public TimeOnly? FromTime { get; init; }

    /// <summary>Local time the fee's hours end (exclusive).</summary>
    public TimeOnly? ToTime { get; init; }

    /// <summary>On, the fee applies Monday to Friday only.</summary>
    public bool WeekdaysOnly { get; init; }
}

/// <summary>The period a peak fee is charged on.</summary>
public enum PeakFeePeriod
{
    Month,
    Day,
}

/// <summary>How the tariff measures the period's peak.</summary>
public enum PeakMeasure
{
    /// <summary>The mean of the <c>top_hours</c> highest hourly means, each on a different day (Swedish grid fees).</summary>
    MeanOfTopHours,

    /// <summary>The single highest hourly mean.</summary>
    HighestHour,

    /// <summary>The single highest 15-minute mean.</summary>
    HighestQuarterHour,
}
