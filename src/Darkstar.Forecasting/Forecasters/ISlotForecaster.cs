using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Forecasters;

/// <summary>A forecaster of load and PV per slot; every forecaster writes its own forecast version.</summary>
public interface ISlotForecaster
{
    /// <summary>The forecast version written to <c>slot_forecasts</c>, e.g. <c>baseline_7_day_avg</c> or <c>aurora_v3</c>.</summary>
    string Version { get; }

    /// <summary>
    /// Forecasts the slots of <paramref name="horizon"/> issued at <paramref name="issuedAt"/>, reading only what
    /// <paramref name="features"/>' history held then. A slot it has nothing to say about is left out.
    /// </summary>
    IReadOnlyList<SlotForecast> Forecast(AuroraFeatures features, SlotHistory history, DateTimeOffset issuedAt, SlotRange horizon);
}

/// <summary>The one way a forecaster turns its load and PV quantiles for a slot into the row it writes.</summary>
public static class SlotForecasts
{
    public static SlotForecast Of(long slotIndex, string version, DateTimeOffset issuedAt, QuantileTriple load, QuantileTriple pv) => new()
    {
        SlotStart = SlotGrid.StartOf(slotIndex),
        ForecastVersion = version,
        IssuedAt = issuedAt,
        LoadP10Kwh = load.P10,
        LoadP50Kwh = load.P50,
        LoadP90Kwh = load.P90,
        PvP10Kwh = pv.P10,
        PvP50Kwh = pv.P50,
        PvP90Kwh = pv.P90,
    };
}
