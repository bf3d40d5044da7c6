using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Planning.Simulation;

/// <summary>Reads what happened over a range from the database: the one reader of every replay, benchmark and episode.</summary>
public static class ActualSeriesReader
{
    /// <summary>
    /// The slots a replay of <paramref name="period"/> reads: the 7-day baseline's look-back before it (and a day for a
    /// DST change), and two days after it for the horizon of its last plans.
    /// </summary>
    public static SlotRange Around(SlotRange period)
    {
        var before = (SevenDayBaseline.LookbackDays + 1) * SlotGrid.SlotsPerUtcDay;
        return new SlotRange(period.FirstIndex - before, period.Count + before + (2 * SlotGrid.SlotsPerUtcDay));
    }

    /// <summary>What happened over <see cref="Around"/> <paramref name="period"/>.</summary>
    public static Task<ActualSeries> ReadAroundAsync(
        SlotObservationRepository observations, PriceRepository prices, SlotRange period, CancellationToken cancellationToken) =>
        ReadAsync(observations, prices, Around(period), cancellationToken);

    public static async Task<ActualSeries> ReadAsync(
        SlotObservationRepository observations, PriceRepository prices, SlotRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(prices);
        var load = new double?[range.Count];
        var pv = new double?[range.Count];
        var import = new double?[range.Count];
        var export = new double?[range.Count];
        var measured = new MeasuredSlot[range.Count];
        foreach (var o in await observations.ReadRangeAsync(range, cancellationToken))
        {
            var i = range.PositionOf(o.SlotStart);
            load[i] = o.LoadKwh;
            pv[i] = o.PvKwh ?? (o.LoadKwh is null ? null : 0);
            measured[i] = SlotMeasurement.Of(o, waterHeaterPlanned: false);
        }

        foreach (var p in await prices.ReadRangeAsync(range, cancellationToken))
        {
            var i = range.PositionOf(p.SlotStart);
            import[i] = p.ImportPrice;
            export[i] = p.ExportPrice;
        }

        return new ActualSeries(range, load, pv, import, export) { Measurements = measured };
    }
}
