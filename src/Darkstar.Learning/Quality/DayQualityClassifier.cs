using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Learning.Etl;

namespace Darkstar.Learning.Quality;

/// <summary>
/// Judges one local day: <c>exclude</c> when load, grid or PV are not known for enough of its slots or too much
/// of it is interpolated across gaps; <c>mask_battery</c> when only the battery's counters or SoC are short;
/// else <c>clean</c>. The reason names each shortfall with its numbers.
/// </summary>
public static class DayQualityClassifier
{
    /// <summary>Share of a day's slots a measurement must cover for the day to be used.</summary>
    public const double MinCoverage = 0.9;

    /// <summary>Above this share of slots spread across gaps, a day's shape is made up rather than measured.</summary>
    public const double MaxInterpolatedShare = 0.25;

    /// <summary>The flags that make a slot's values doubtful: one definition, in <see cref="DayQuality.DoubtfulFlags"/>.</summary>
    public const SlotQuality DoubtfulFlags = DayQuality.DoubtfulFlags;

    private static readonly SensorRole[] BatteryRoles = [SensorRole.TotalBatteryCharge, SensorRole.TotalBatteryDischarge];

    public static DayQuality Classify(DateOnly day, SlotRange slots, IReadOnlyList<SlotObservation> observations, IReadOnlySet<SensorRole> mapped, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(mapped);
        var expected = slots.Count;
        var inDay = observations.Where(o => slots.Contains(o.SlotStart)).ToList();
        var exclude = new List<string>();
        var battery = new List<string>();

        void Cover(string name, Func<SlotObservation, double?> value, List<string> reasons)
        {
            var known = inDay.Count(o => value(o) is not null);
            if (known < MinCoverage * expected)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{name} known for {known} of {expected} slots"));
            }
        }

        Cover("load", o => o.LoadKwh, exclude);
        foreach (var (role, name) in new[] { (SensorRole.TotalGridImport, "grid import"), (SensorRole.TotalGridExport, "grid export"), (SensorRole.TotalPvProduction, "PV") })
        {
            if (mapped.Contains(role))
            {
                Cover(name, o => SlotColumns.Get(o, role), exclude);
            }
        }

        var interpolated = inDay.Count(o => o.QualityFlags.HasFlag(SlotQuality.Interpolated));
        if (interpolated > MaxInterpolatedShare * expected)
        {
            exclude.Add(string.Create(CultureInfo.InvariantCulture, $"{interpolated} slots spread across gaps in the readings"));
        }

        foreach (var role in BatteryRoles.Where(mapped.Contains))
        {
            Cover(role == SensorRole.TotalBatteryCharge ? "battery charge" : "battery discharge", o => SlotColumns.Get(o, role), battery);
        }

        if (mapped.Contains(SensorRole.BatterySoc))
        {
            Cover("battery SoC", o => o.SocStartPercent, battery);
        }

        var spikes = inDay.Count(o => o.QualityFlags.HasFlag(SlotQuality.Spike));
        var resets = inDay.Count(o => o.QualityFlags.HasFlag(SlotQuality.CounterReset));
        var notes = new List<string>();
        if (spikes > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{spikes} slots with a rejected spike"));
        }

        if (resets > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{resets} slots with a counter reset"));
        }

        var (status, reasons) = exclude.Count > 0
            ? (DayQualityStatus.Exclude, exclude.Concat(battery))
            : battery.Count > 0 ? (DayQualityStatus.MaskBattery, battery) : (DayQualityStatus.Clean, Enumerable.Empty<string>());
        var text = string.Join("; ", reasons.Concat(notes));
        return new DayQuality
        {
            Day = day,
            Status = status,
            Reason = text.Length == 0 ? null : text,
            ExpectedSlotCount = expected,
            ObservedSlotCount = inDay.Count,
            FlaggedSlotCount = inDay.Count(o => (o.QualityFlags & DoubtfulFlags) != 0),
            UpdatedAt = now,
        };
    }
}
