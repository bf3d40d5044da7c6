using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Storage;

/// <summary>The period's peak under a peak fee, as MQTT and the web UI show it: so far (recorded slots) and as planned.</summary>
public static class PeakReading
{
    /// <summary>
    /// The current period's peak so far, measured on its recorded slots, and with <paramref name="planSlots"/> from now on
    /// (null without a plan), kW.
    /// </summary>
    public static async Task<(double SoFarKw, double? PlannedKw)> ReadAsync(
        DarkstarDatabase database, PeakFeeSpec fee, IReadOnlyList<SlotPlan> planSlots, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fee);
        ArgumentNullException.ThrowIfNull(planSlots);
        var recorded = await new SlotObservationRepository(database).ReadRangeAsync(PeakMeter.PeriodSoFar(fee, now, zone), cancellationToken);
        var (soFar, planned) = PeakMeter.SoFarAndPlanned(
            fee,
            recorded.Select(o => (SlotGrid.IndexOf(o.SlotStart), o.ImportKwh ?? 0)),
            planSlots.Select(s => (SlotGrid.IndexOf(s.SlotStart), s.ImportKwh)),
            SlotGrid.IndexOf(now),
            zone);
        return (soFar, planSlots.Count > 0 ? planned : null);
    }
}
