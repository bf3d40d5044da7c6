using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Forecasters;

/// <summary>
/// <see cref="SevenDayBaseline"/> over a <see cref="SlotHistory"/>: the baseline stored in <c>slot_forecasts</c>. A slot
/// with no measured load or no measured PV at its time of day gets no forecast: a missing value is never a zero.
/// </summary>
public sealed class BaselineForecaster : ISlotForecaster
{
    public const string VersionName = SevenDayBaseline.Version;

    public string Version => VersionName;

    public IReadOnlyList<SlotForecast> Forecast(AuroraFeatures features, SlotHistory history, DateTimeOffset issuedAt, SlotRange horizon)
    {
        ArgumentNullException.ThrowIfNull(history);
        var baseline = SevenDayBaseline.Forecast(horizon, issuedAt, history.Site.TimeZone, history.Measured);
        var forecasts = new List<SlotForecast>(horizon.Count);
        for (var i = 0; i < baseline.Length; i++)
        {
            if (baseline[i] is { Load: { } load, Pv: { } pv })
            {
                forecasts.Add(SlotForecasts.Of(horizon.FirstIndex + i, Version, InstantText.Truncate(issuedAt), load, pv));
            }
        }

        return forecasts;
    }
}
