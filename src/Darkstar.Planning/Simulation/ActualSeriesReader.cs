using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Planning.Simulation;

/// <summary>Reads what happened over a range from the database: the one reader of every replay, benchmark and episode.</summary>
public static class ActualSeriesReader
{
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
