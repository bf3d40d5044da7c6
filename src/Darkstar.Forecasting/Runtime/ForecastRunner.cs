using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Runtime;

/// <summary>What one forecasting round wrote: slots per forecast version.</summary>
public sealed record ForecastRound(DateTimeOffset IssuedAt, IReadOnlyDictionary<string, int> SlotsByVersion);

/// <summary>
/// One forecasting round: the next 48 hours from every forecaster there is (the baseline, and Aurora once trained),
/// whichever is active, written to <c>slot_forecasts</c> with the issue time. Writing both is shadow mode: the
/// version not in use is still scored by <c>darkstar evaluate</c>.
/// </summary>
public sealed class ForecastRunner(
    HistoryLoader loader,
    SlotForecastRepository forecasts,
    AuroraModelStore models,
    HomeSite site,
    TimeProvider time,
    ILogger<ForecastRunner> logger)
{
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(48);

    /// <summary>
    /// History read before the horizon: every window the features read (<see cref="AuroraFeatures.HistoryDays"/>), so a
    /// live forecast sees the same features training did (ten days once cut the PV envelope and yield short), for the
    /// forecast itself and for each of the recent days its calibration re-forecasts (<see cref="LiveCalibration.Days"/>).
    /// </summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(AuroraFeatures.HistoryDays + LiveCalibration.Days);

    public async Task<ForecastRound> RunOnceAsync(CancellationToken cancellationToken)
    {
        var issuedAt = InstantText.Truncate(time.GetUtcNow());
        var horizon = SlotGrid.Horizon(issuedAt, Horizon);
        var range = SlotRange.Between(horizon.Start - Lookback, horizon.End);
        var history = await loader.LoadAsync(site, range, issuedAt, FutureWeather.IssuedForecast, cancellationToken);
        var features = new AuroraFeatures(history);
        var forecasters = new List<ISlotForecaster> { new BaselineForecaster() };
        try
        {
            if (await models.LoadCurrentAsync(cancellationToken) is { } aurora)
            {
                forecasters.Add(aurora);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Native.XGBoostException)
        {
            logger.LogError("The current Aurora model cannot be loaded ({Message}); forecasting with the baseline alone", e.Message);
        }

        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var forecaster in forecasters)
        {
            var slots = forecaster.Forecast(features, history, issuedAt, horizon);
            written[forecaster.Version] = await forecasts.UpsertAsync(slots, cancellationToken);
        }

        logger.LogInformation(
            "Forecast issued {IssuedAt} for {Horizon}: {Written}",
            // The range as text: a logger lists an enumerable argument item by item (193 instants).
            InstantText.Format(issuedAt), horizon.ToString(), string.Join(", ", written.Select(w => $"{w.Key} {w.Value} slots")));
        return new ForecastRound(issuedAt, written);
    }
}
