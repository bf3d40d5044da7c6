namespace Darkstar.Core.Domain;

/// <summary>Whether a weather row is what was measured or what was forecast.</summary>
public enum WeatherKind
{
    Observed,
    Forecast,
}

/// <summary>
/// The weather of one slot. For observed weather <see cref="IssuedAt"/> equals <see cref="SlotStart"/>
/// (the database enforces it), so fetching the same observation again replaces it; a forecast keeps
/// one row per issue time.
/// </summary>
public sealed record SlotWeather
{
    public required DateTimeOffset SlotStart { get; init; }

    public required WeatherKind Kind { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public double? TemperatureC { get; init; }

    public double? CloudCoverPercent { get; init; }

    public double? ShortwaveRadiationWM2 { get; init; }

    public required string Source { get; init; }
}
