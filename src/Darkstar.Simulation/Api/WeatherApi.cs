using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.Simulation.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Darkstar.Simulation.Api;

/// <summary>
/// Open-Meteo's forecast (<c>/v1/forecast</c>) and archive (<c>/v1/archive</c>) APIs for the home's own
/// weather: hourly <c>temperature_2m</c>, <c>cloud_cover</c> and <c>shortwave_radiation</c> (the mean of the
/// preceding hour, as Open-Meteo gives it). The archive is what the home lived; the forecast adds an
/// error that grows with the lead time, so a forecast is close to, not equal to, what will happen.
/// </summary>
internal static class WeatherApi
{
    private static readonly string[] Variables = ["temperature_2m", "cloud_cover", "shortwave_radiation"];

    public static void Map(WebApplication app, SimulatedHome home)
    {
        app.MapGet("/v1/forecast", (HttpRequest request) => Answer(home, request, archive: false));
        app.MapGet("/v1/archive", (HttpRequest request) => Answer(home, request, archive: true));
    }

    private static IResult Answer(SimulatedHome home, HttpRequest request, bool archive)
    {
        var query = request.Query;
        if (!double.TryParse(query["latitude"], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude) ||
            !double.TryParse(query["longitude"], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude))
        {
            return Fail("Parameter 'latitude' and 'longitude' must be set.");
        }

        var site = home.Source.Site;
        var zoneText = query["timezone"].ToString();
        var zone = zoneText switch
        {
            "" or "GMT" or "UTC" => TimeZoneInfo.Utc,
            "auto" => site.TimeZone,
            _ => TimeZones.TryFind(zoneText, out var found) ? found : null,
        };
        if (zone is null)
        {
            return Fail($"Invalid timezone '{zoneText}'");
        }

        var hourly = query["hourly"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hourly.FirstOrDefault(v => !Variables.Contains(v)) is { } unknown)
        {
            return Fail($"Cannot initialize WeatherVariable from invalid String value {unknown} for key hourly");
        }

        var now = home.Clock.GetUtcNow();
        var today = SlotGrid.LocalDateOf(now, zone);
        DateOnly first, last;
        var hasStart = DayText.TryParse(query["start_date"], out var startDate);
        var hasEnd = DayText.TryParse(query["end_date"], out var endDate);
        if (hasStart != hasEnd)
        {
            return Fail("Parameter 'start_date' and 'end_date' must be set together.");
        }

        if (hasStart)
        {
            (first, last) = (startDate, endDate);
        }
        else if (archive)
        {
            return Fail("Parameter 'start_date' and 'end_date' must be set.");
        }
        else
        {
            var pastDays = int.TryParse(query["past_days"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var past) ? past : 0;
            var forecastDays = int.TryParse(query["forecast_days"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ahead) ? ahead : 7;
            if (forecastDays is < 0 or > 16 || pastDays is < 0 or > 92)
            {
                return Fail("Parameter 'forecast_days' must be between 0 and 16, 'past_days' between 0 and 92.");
            }

            (first, last) = (today.AddDays(-pastDays), today.AddDays(forecastDays - 1));
        }

        if (last < first)
        {
            return Fail("End-date must be larger or equal than start-date");
        }

        var times = new JsonArray();
        var columns = hourly.ToDictionary(v => v, _ => new JsonArray());
        var from = SlotGrid.StartOfLocalDay(first, zone);
        var to = SlotGrid.StartOfLocalDay(last.AddDays(1), zone);
        for (var instant = from; instant < to; instant = instant.AddHours(1))
        {
            times.Add(TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            var weather = Observed(home.Source, instant, now, archive);
            foreach (var (variable, column) in columns)
            {
                column.Add(variable switch
                {
                    "temperature_2m" => Math.Round(weather.TemperatureC, 1),
                    "cloud_cover" => Math.Round(weather.CloudCoverPercent),
                    _ => Math.Round(weather.ShortwaveRadiationWm2, 1),
                });
            }
        }

        var hourlyJson = new JsonObject { ["time"] = times };
        var units = new JsonObject { ["time"] = "iso8601" };
        foreach (var (variable, column) in columns)
        {
            hourlyJson[variable] = column;
            units[variable] = variable switch { "temperature_2m" => "°C", "cloud_cover" => "%", _ => "W/m²" };
        }

        var offset = zone.GetUtcOffset(from);
        return HomeAssistantApi.Json(new JsonObject
        {
            ["latitude"] = Math.Round(latitude, 4),
            ["longitude"] = Math.Round(longitude, 4),
            ["generationtime_ms"] = 0.1,
            ["utc_offset_seconds"] = (int)offset.TotalSeconds,
            ["timezone"] = zone == TimeZoneInfo.Utc ? "GMT" : zone.Id,
            ["timezone_abbreviation"] = zone == TimeZoneInfo.Utc ? "GMT" : (offset >= TimeSpan.Zero ? "GMT+" : "GMT-") + offset.ToString("h\\:mm", CultureInfo.InvariantCulture),
            ["elevation"] = site.Elevation,
            ["hourly_units"] = units,
            ["hourly"] = hourlyJson,
        });
    }

    /// <summary>The weather of the hour ending at <paramref name="hourEnd"/> (radiation) and at that instant (the rest).</summary>
    private static WeatherSample Observed(IHomeSource source, DateTimeOffset hourEnd, DateTimeOffset now, bool archive)
    {
        var atInstant = source.Weather(hourEnd);
        double radiation = 0;
        for (var quarter = 0; quarter < 4; quarter++)
        {
            radiation += source.Weather(hourEnd.AddMinutes(-52.5 + (15 * quarter))).ShortwaveRadiationWm2 / 4;
        }

        var truth = atInstant with { ShortwaveRadiationWm2 = radiation };
        if (archive || hourEnd <= now)
        {
            return truth;
        }

        // A forecast's error grows with the square root of its lead time, and is the same for every request in an hour.
        var leadDays = (hourEnd - now).TotalDays;
        var hourIndex = hourEnd.UtcTicks / TimeSpan.TicksPerHour;
        var issued = (int)(now.UtcTicks / TimeSpan.TicksPerHour);
        var spread = Math.Sqrt(leadDays);
        var cloud = Math.Clamp(truth.CloudCoverPercent + (20 * spread * DeterministicNoise.Smooth(issued, 11, hourIndex / 6.0)), 0, 100);
        var clearness = (1 - (0.75 * Math.Pow(cloud / 100, 3.4))) / Math.Max(1 - (0.75 * Math.Pow(truth.CloudCoverPercent / 100, 3.4)), 0.25);
        return new WeatherSample(
            truth.TemperatureC + (1.5 * spread * DeterministicNoise.Smooth(issued, 12, hourIndex / 12.0)),
            cloud,
            Math.Max(truth.ShortwaveRadiationWm2 * clearness, 0));
    }

    private static IResult Fail(string reason) =>
        HomeAssistantApi.Json(new JsonObject { ["error"] = true, ["reason"] = reason }, StatusCodes.Status400BadRequest);
}
