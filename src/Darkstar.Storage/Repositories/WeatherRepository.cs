using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Storage.Repositories;

/// <summary>Observed and forecast weather per slot.</summary>
public sealed class WeatherRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["slot_start", "kind", "issued_at"];

    private static readonly string[] ValueColumns = ["temperature_c", "cloud_cover_percent", "shortwave_radiation_w_m2", "source"];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.Weather, KeyColumns, ValueColumns);

    private static readonly string Columns = SqlText.Columns([.. KeyColumns, .. ValueColumns]);

    private static readonly string[] AllColumns = [.. KeyColumns, .. ValueColumns];

    /// <summary>Writes the weather in one transaction (days of forecast, or a dataset's year); returns how many rows were written.</summary>
    public Task<int> UpsertAsync(IEnumerable<SlotWeather> weather, CancellationToken cancellationToken) =>
        ExecutePreparedBatchAsync(UpsertSql, AllColumns, Bind, weather, cancellationToken);

    /// <summary>One slot's weather in the order of <see cref="AllColumns"/>, as the database stores it.</summary>
    private static void Bind(SlotWeather weather, object?[] values)
    {
        var row = Row.From(weather);
        values[0] = InstantText.Format(row.SlotStart);
        values[1] = row.Kind;
        values[2] = InstantText.Format(row.IssuedAt);
        values[3] = row.TemperatureC;
        values[4] = row.CloudCoverPercent;
        values[5] = row.ShortwaveRadiationWM2;
        values[6] = row.Source;
    }

    /// <summary>The observed weather of the slots in <paramref name="range"/>, in time order.</summary>
    public async Task<IReadOnlyList<SlotWeather>> ReadObservedAsync(SlotRange range, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<Row>(
            $"SELECT {Columns} FROM {Schema.Weather} WHERE kind = 'observed' AND slot_start >= @Start AND slot_start < @End ORDER BY slot_start;",
            new { range.Start, range.End },
            cancellationToken);
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// <summary>For each slot in <paramref name="range"/>, the weather forecast issued last at or before <paramref name="issuedAtOrBefore"/>.</summary>
    public async Task<IReadOnlyList<SlotWeather>> ReadLatestForecastAsync(
        SlotRange range, DateTimeOffset issuedAtOrBefore, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<Row>(
            $"""
            SELECT {Columns} FROM {Schema.Weather} AS w
            WHERE w.kind = 'forecast' AND w.slot_start >= @Start AND w.slot_start < @End
              AND w.issued_at = (
                  SELECT MAX(v.issued_at) FROM {Schema.Weather} AS v
                  WHERE v.kind = 'forecast' AND v.slot_start = w.slot_start AND v.issued_at <= @IssuedAtOrBefore)
            ORDER BY w.slot_start;
            """,
            new { range.Start, range.End, IssuedAtOrBefore = issuedAtOrBefore },
            cancellationToken);
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// <summary>When the newest stored forecast was issued, or null when none is stored.</summary>
    public Task<DateTimeOffset?> ReadLatestForecastIssuedAtAsync(CancellationToken cancellationToken) =>
        QuerySingleOrDefaultAsync<DateTimeOffset?>(
            $"SELECT MAX(issued_at) FROM {Schema.Weather} WHERE kind = 'forecast';", null, cancellationToken);

    // The kind is text in the database; Dapper would write the enum as a number.
    private sealed class Row
    {
        public DateTimeOffset SlotStart { get; set; }

        public string Kind { get; set; } = string.Empty;

        public DateTimeOffset IssuedAt { get; set; }

        public double? TemperatureC { get; set; }

        public double? CloudCoverPercent { get; set; }

        public double? ShortwaveRadiationWM2 { get; set; }

        public string Source { get; set; } = string.Empty;

        public static Row From(SlotWeather weather)
        {
            ArgumentNullException.ThrowIfNull(weather);
            return new Row
            {
                SlotStart = RequireSlotStart(weather.SlotStart, "A weather row"),
                Kind = EnumText<WeatherKind>.ToText(weather.Kind),
                IssuedAt = weather.IssuedAt,
                TemperatureC = weather.TemperatureC,
                CloudCoverPercent = weather.CloudCoverPercent,
                ShortwaveRadiationWM2 = weather.ShortwaveRadiationWM2,
                Source = weather.Source,
            };
        }

        public SlotWeather ToRecord() => new()
        {
            SlotStart = SlotStart,
            Kind = EnumText<WeatherKind>.Parse(Kind),
            IssuedAt = IssuedAt,
            TemperatureC = TemperatureC,
            CloudCoverPercent = CloudCoverPercent,
            ShortwaveRadiationWM2 = ShortwaveRadiationWM2,
            Source = Source,
        };
    }
}
