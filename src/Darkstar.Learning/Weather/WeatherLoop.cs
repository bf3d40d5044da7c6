using Darkstar.Core.Loops;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Weather;

/// <summary>
/// Keeps the weather forecast fresh for Aurora: Open-Meteo's forecast (<c>forecasting.weather_url</c>) at start and
/// every hour, and once a day the archive's observed weather of the last two days. A failed fetch keeps the last
/// forecast in use; the loop reports a problem only once that forecast is stale.
/// </summary>
public sealed class WeatherLoop(WeatherUpdater updater, LoopContext context, ILogger<WeatherLoop> logger) : ServiceLoop(LoopName, context, logger)
{
    /// <summary>The name <c>/health</c> shows the weather under.</summary>
    public const string LoopName = "weather";

    /// <summary>How often the forecast is fetched (on the service's clock).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    private DateOnly? _observedFetchedOn;

    protected override string Activity => "updating the weather";

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => EveryPeriod(roundStarted, Period);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        var forecast = await updater.UpdateForecastAsync(cancellationToken);
        await UpdateObservedAsync(cancellationToken);
        if (forecast.Problem is null)
        {
            Logger.LogDebug("Weather forecast updated: {Slots} slots", forecast.SlotsWritten);
            return RoundOutcome.Succeeded;
        }

        // Not an error of the service (Open-Meteo is away); the status shows it until a fetch succeeds.
        return forecast.IsStale ? RoundOutcome.Degraded($"weather forecast stale ({forecast.Problem})") : RoundOutcome.Unreported;
    }

    private async Task UpdateObservedAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        if (_observedFetchedOn == today)
        {
            return;
        }

        try
        {
            var written = await updater.UpdateObservedAsync(today.AddDays(-2), today.AddDays(-1), cancellationToken);
            _observedFetchedOn = today;
            Logger.LogDebug("Observed weather updated: {Slots} slots", written);
        }
        catch (Exception e) when (e is HttpRequestException or OpenMeteoException)
        {
            // The archive lags a few days behind on Open-Meteo's side; the next hour tries again.
            Logger.LogWarning("Observed weather not updated: {Message}", e.Message);
        }
    }
}
