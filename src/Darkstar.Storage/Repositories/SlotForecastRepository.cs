using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Storage.Repositories;

/// <summary>
/// Forecasts per slot, forecast version and issue time. Writing the same (slot, version, issue) again
/// replaces it; a new issue time adds a row, so what was known at any moment can be read back.
/// </summary>
public sealed class SlotForecastRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["forecast_version", "slot_start", "issued_at"];

    private static readonly string[] ValueColumns =
        ["load_p10_kwh", "load_p50_kwh", "load_p90_kwh", "pv_p10_kwh", "pv_p50_kwh", "pv_p90_kwh"];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.SlotForecasts, KeyColumns, ValueColumns);

    private static readonly string Columns = SqlText.Columns(["slot_start", "forecast_version", "issued_at", .. ValueColumns]);

    /// <summary>The latest-issue query; tests read its plan (see Migrations on MAX() through a WITHOUT ROWID table's index).</summary>
    internal static readonly string ReadLatestSql = $"""
        SELECT {Columns} FROM {Schema.SlotForecasts} AS f
        WHERE f.forecast_version = @ForecastVersion AND f.slot_start >= @Start AND f.slot_start < @End
          AND f.issued_at = (
              SELECT MAX(g.issued_at) FROM {Schema.SlotForecasts} AS g
              WHERE g.forecast_version = f.forecast_version AND g.slot_start = f.slot_start AND g.issued_at <= @IssuedAtOrBefore)
        ORDER BY f.slot_start;
        """;

    public Task<int> UpsertAsync(IEnumerable<SlotForecast> forecasts, CancellationToken cancellationToken) =>
        ExecuteBatchAsync(UpsertSql, forecasts.Select(Validate), cancellationToken);

    /// <summary>
    /// For each slot in <paramref name="range"/>, the forecast of <paramref name="forecastVersion"/> issued
    /// last at or before <paramref name="issuedAtOrBefore"/>; slots never forecast by then are absent.
    /// </summary>
    public Task<IReadOnlyList<SlotForecast>> ReadLatestAsync(
        string forecastVersion, SlotRange range, DateTimeOffset issuedAtOrBefore, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(forecastVersion);
        return QueryAsync<SlotForecast>(ReadLatestSql, ReadLatestParameters(forecastVersion, range, issuedAtOrBefore), cancellationToken);
    }

    /// <summary>Every issue of <paramref name="forecastVersion"/> for the slots in <paramref name="range"/>, by slot then issue time.</summary>
    public Task<IReadOnlyList<SlotForecast>> ReadRangeAsync(string forecastVersion, SlotRange range, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(forecastVersion);
        return QueryAsync<SlotForecast>(
            $"""
            SELECT {Columns} FROM {Schema.SlotForecasts}
            WHERE forecast_version = @ForecastVersion AND slot_start >= @Start AND slot_start < @End
            ORDER BY slot_start, issued_at;
            """,
            new { ForecastVersion = forecastVersion, range.Start, range.End },
            cancellationToken);
    }

    internal static object ReadLatestParameters(string forecastVersion, SlotRange range, DateTimeOffset issuedAtOrBefore) =>
        new { ForecastVersion = forecastVersion, range.Start, range.End, IssuedAtOrBefore = issuedAtOrBefore };

    private static SlotForecast Validate(SlotForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        RequireSlotStart(forecast.SlotStart, $"A forecast of {forecast.ForecastVersion}");
        ArgumentException.ThrowIfNullOrEmpty(forecast.ForecastVersion, nameof(forecast));
        return forecast;
    }
}
