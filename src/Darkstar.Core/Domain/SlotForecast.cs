namespace Darkstar.Core.Domain;

/// <summary>
/// One forecast of one slot: load and PV in kWh at the 10th, 50th and 90th percentiles, made by the
/// model <see cref="ForecastVersion"/> at <see cref="IssuedAt"/>. Keeping the issue time lets an
/// evaluation use only what was known when the forecast was made.
/// </summary>
public sealed record SlotForecast
{
    public required DateTimeOffset SlotStart { get; init; }

    /// <summary>The forecaster, for example <c>baseline_7_day_avg</c> or <c>aurora_v3</c>.</summary>
    public required string ForecastVersion { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required double LoadP10Kwh { get; init; }

    public required double LoadP50Kwh { get; init; }

    public required double LoadP90Kwh { get; init; }

    public required double PvP10Kwh { get; init; }

    public required double PvP50Kwh { get; init; }

    public required double PvP90Kwh { get; init; }
}
