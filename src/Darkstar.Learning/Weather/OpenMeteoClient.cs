using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Learning.Weather;

/// <summary>Where Open-Meteo's forecast and archive APIs are.</summary>
public sealed record OpenMeteoEndpoints(Uri Forecast, Uri Archive)
{
    /// <summary>Open-Meteo's public service: the forecast and the archive are on hosts of their own.</summary>
    public static OpenMeteoEndpoints Public { get; } = new(new Uri("https://api.open-meteo.com/"), new Uri("https://archive-api.open-meteo.com/"));

    /// <summary>
    /// <c>forecasting.weather_url</c> when set (a self-hosted Open-Meteo, or the simulated home), serving both
    /// <c>/v1/forecast</c> and <c>/v1/archive</c>; else <see cref="Public"/>.
    /// </summary>
    public static OpenMeteoEndpoints FromOption(string? weatherUrl)
    {
        if (string.IsNullOrWhiteSpace(weatherUrl))
        {
            return Public;
        }

        var baseUri = new Uri(weatherUrl.EndsWith('/') ? weatherUrl : weatherUrl + "/", UriKind.Absolute);
        return new OpenMeteoEndpoints(baseUri, baseUri);
    }
}

/// <summary>Open-Meteo answered with an error, or with something that is not its hourly format.</summary>
public sealed class OpenMeteoException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Open-Meteo's hourly <c>temperature_2m</c>, <c>cloud_cover</c> and <c>shortwave_radiation</c> as 15-minute slots.
/// Temperature and cloud cover are values at the hour, interpolated linearly to the middle of each slot; radiation is
/// the mean of the hour before its time stamp, so each of that hour's four slots gets it.
/// </summary>
public sealed class OpenMeteoClient
{
    private const string Variables = "temperature_2m,cloud_cover,shortwave_radiation";

    private readonly HttpClient _http;
    private readonly OpenMeteoEndpoints _endpoints;

    public OpenMeteoClient(HttpClient http, OpenMeteoEndpoints endpoints)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
    }

    /// <summary>The forecast for today and the next <paramref name="days"/> − 1 days (UTC), stamped as issued at <paramref name="issuedAt"/>.</summary>
    /// <exception cref="OpenMeteoException">Open-Meteo refused the request or answered in another format.</exception>
    /// <exception cref="HttpRequestException">Open-Meteo could not be reached or failed.</exception>
    public async Task<IReadOnlyList<SlotWeather>> GetForecastAsync(double latitude, double longitude, int days, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var query = string.Create(CultureInfo.InvariantCulture, $"v1/forecast?latitude={latitude}&longitude={longitude}&hourly={Variables}&timezone=GMT&forecast_days={days}");
        var hourly = await GetHourlyAsync(new Uri(_endpoints.Forecast, query), cancellationToken);
        return ToSlots(hourly, WeatherKind.Forecast, _ => InstantText.Truncate(issuedAt), "open-meteo forecast");
    }

    /// <summary>What the weather was on the UTC days <paramref name="first"/> to <paramref name="last"/>.</summary>
    /// <exception cref="OpenMeteoException">Open-Meteo refused the request or answered in another format.</exception>
    /// <exception cref="HttpRequestException">Open-Meteo could not be reached or failed.</exception>
    public async Task<IReadOnlyList<SlotWeather>> GetArchiveAsync(double latitude, double longitude, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"v1/archive?latitude={latitude}&longitude={longitude}&hourly={Variables}&timezone=GMT&start_date={DayText.Format(first)}&end_date={DayText.Format(last)}");
        var hourly = await GetHourlyAsync(new Uri(_endpoints.Archive, query), cancellationToken);
        return ToSlots(hourly, WeatherKind.Observed, slot => slot, "open-meteo archive");
    }

    private async Task<HourlySeries> GetHourlyAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            var error = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var reason = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("reason", out var r) ? r.GetString() : null;
            throw new OpenMeteoException($"Open-Meteo refused {uri.GetLeftPart(UriPartial.Path)}: {reason ?? "400 Bad Request"}");
        }

        response.EnsureSuccessStatusCode();
        JsonElement body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException e)
        {
            throw new OpenMeteoException($"{uri.GetLeftPart(UriPartial.Path)} did not answer with JSON: {e.Message}", e);
        }

        if (!body.TryGetProperty("hourly", out var hourly) || !hourly.TryGetProperty("time", out var time) || time.ValueKind != JsonValueKind.Array)
        {
            throw new OpenMeteoException($"{uri.GetLeftPart(UriPartial.Path)} answered without an hourly time series.");
        }

        var times = new List<DateTimeOffset>(time.GetArrayLength());
        foreach (var item in time.EnumerateArray())
        {
            // With timezone=GMT Open-Meteo gives UTC times without an offset (yyyy-MM-ddTHH:mm).
            if (!DateTime.TryParseExact(item.GetString(), "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                throw new OpenMeteoException($"{uri.GetLeftPart(UriPartial.Path)} answered with the time '{item}', not yyyy-MM-ddTHH:mm.");
            }

            times.Add(new DateTimeOffset(at, TimeSpan.Zero));
        }

        return new HourlySeries(times, Column(hourly, "temperature_2m", times.Count), Column(hourly, "cloud_cover", times.Count), Column(hourly, "shortwave_radiation", times.Count));
    }

    private static double?[] Column(JsonElement hourly, string name, int count)
    {
        var values = new double?[count];
        if (hourly.TryGetProperty(name, out var column) && column.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in column.EnumerateArray())
            {
                if (i < count)
                {
                    values[i++] = item.ValueKind == JsonValueKind.Number ? item.GetDouble() : null;
                }
            }
        }

        return values;
    }

    private static List<SlotWeather> ToSlots(HourlySeries series, WeatherKind kind, Func<DateTimeOffset, DateTimeOffset> issuedAt, string source)
    {
        var slots = new List<SlotWeather>(series.Times.Count * SlotGrid.SlotsPerHour);
        if (series.Times.Count == 0)
        {
            return slots;
        }

        // Radiation stamped at the first hour is the mean of the hour before it: slots start one hour earlier.
        var first = series.Times[0] - TimeSpan.FromHours(1);
        var end = series.Times[^1];
        for (var slot = first; slot < end; slot += SlotGrid.SlotLength)
        {
            var middle = slot + (SlotGrid.SlotLength / 2);
            var radiation = At(series, series.Radiation, HourEnd(slot));
            var temperature = Interpolate(series, series.Temperature, middle);
            var cloud = Interpolate(series, series.CloudCover, middle);
            if (radiation is null && temperature is null && cloud is null)
            {
                continue;
            }

            slots.Add(new SlotWeather
            {
                SlotStart = slot,
                Kind = kind,
                IssuedAt = issuedAt(slot),
                TemperatureC = temperature,
                CloudCoverPercent = cloud,
                ShortwaveRadiationWM2 = radiation,
                Source = source,
            });
        }

        return slots;
    }

    private static DateTimeOffset HourEnd(DateTimeOffset slot) =>
        new DateTimeOffset(slot.UtcTicks - (slot.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(1);

    private static double? At(HourlySeries series, double?[] values, DateTimeOffset at)
    {
        var index = series.IndexOf(at);
        return index >= 0 ? values[index] : null;
    }

    private static double? Interpolate(HourlySeries series, double?[] values, DateTimeOffset at)
    {
        var hour = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var before = At(series, values, hour);
        var after = At(series, values, hour.AddHours(1));
        if (before is null || after is null)
        {
            return null;
        }

        var fraction = (at - hour).TotalHours;
        return before + ((after - before) * fraction);
    }

    private sealed class HourlySeries(List<DateTimeOffset> times, double?[] temperature, double?[] cloudCover, double?[] radiation)
    {
        private readonly Dictionary<DateTimeOffset, int> _index = times.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);

        public List<DateTimeOffset> Times => times;

        public double?[] Temperature => temperature;

        public double?[] CloudCover => cloudCover;

        public double?[] Radiation => radiation;

        public int IndexOf(DateTimeOffset at) => _index.TryGetValue(at, out var index) ? index : -1;
    }
}
