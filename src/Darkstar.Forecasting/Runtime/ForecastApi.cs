using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Runtime;

/// <summary>
/// What the planner reads: for each slot, the latest forecast issued by now of the version
/// <c>forecasting.active_forecast_version</c> selects (Aurora: its current promoted version). A slot that version
/// lacks is taken from the baseline, and the fallback is logged.
/// </summary>
public sealed class ForecastApi(
    SlotForecastRepository forecasts,
    AuroraModelStore models,
    Func<ForecastVersion> activeVersion,
    TimeProvider time,
    ILogger<ForecastApi> logger)
{
    /// <summary>The forecast version the option selects, as stored: <c>baseline_7_day_avg</c> or the current <c>aurora_vN</c>.</summary>
    public Task<string> ResolveVersionAsync(ForecastVersion version, CancellationToken cancellationToken) =>
        models.ResolveForecastVersionAsync(version, cancellationToken);

    /// <summary>The slots starting in [<paramref name="start"/>, <paramref name="end"/>) of the active version.</summary>
    public Task<IReadOnlyList<SlotForecast>> GetForecastSlotsAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        GetForecastSlotsAsync(start, end, activeVersion(), cancellationToken);

    /// <summary>The slots starting in [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="version"/>, the baseline filling its gaps.</summary>
    public async Task<IReadOnlyList<SlotForecast>> GetForecastSlotsAsync(
        DateTimeOffset start, DateTimeOffset end, ForecastVersion version, CancellationToken cancellationToken)
    {
        var range = SlotRange.Between(start, end);
        var now = time.GetUtcNow();
        var wanted = await ResolveVersionAsync(version, cancellationToken);
        var slots = (await forecasts.ReadLatestAsync(wanted, range, now, cancellationToken)).ToDictionary(f => SlotGrid.IndexOf(f.SlotStart));
        if (version != ForecastVersion.Baseline7DayAverage && wanted == BaselineForecaster.VersionName)
        {
            logger.LogWarning("forecasting.active_forecast_version is aurora but no Aurora model is trained yet; using {Baseline}", BaselineForecaster.VersionName);
        }

        if (slots.Count < range.Count && wanted != BaselineForecaster.VersionName)
        {
            var missing = 0;
            foreach (var fallback in await forecasts.ReadLatestAsync(BaselineForecaster.VersionName, range, now, cancellationToken))
            {
                if (slots.TryAdd(SlotGrid.IndexOf(fallback.SlotStart), fallback))
                {
                    missing++;
                }
            }

            if (missing > 0)
            {
                logger.LogWarning(
                    "{Version} has no forecast for {Missing} of {Count} slots in {Range}; those come from {Baseline}",
                    wanted, missing, range.Count, range, BaselineForecaster.VersionName);
            }
        }

        return [.. slots.OrderBy(s => s.Key).Select(s => s.Value)];
    }
}
