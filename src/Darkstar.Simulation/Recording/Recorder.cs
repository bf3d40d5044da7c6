using Darkstar.Simulation.Home;

namespace Darkstar.Simulation.Recording;

/// <summary>Statistics periods Home Assistant answers <c>recorder/statistics_during_period</c> with.</summary>
public enum StatisticsPeriod
{
    FiveMinute,
    Hour,
    Day,
    Week,
    Month,
}

/// <summary>
/// One statistics row as the recorder stores it: the last state and the running sum for
/// <c>total_increasing</c> sensors, the time-weighted mean, min and max for <c>measurement</c> ones.
/// </summary>
public sealed record StatisticsRow(DateTimeOffset Start, DateTimeOffset End, double? State, double? Sum, double? Mean, double? Min, double? Max);

/// <summary>What <c>recorder/list_statistic_ids</c> says about one statistic.</summary>
public sealed record StatisticMetadata(string StatisticId, string? Name, string? Unit, string? UnitClass, bool HasMean, bool HasSum);

/// <summary>
/// Home Assistant's recorder, as far as clients can see it: every state change (history), and
/// long-term statistics compiled every 5 minutes and every hour from the states, with a running sum
/// that survives counter resets (a drop below 90 % of the last value) and unit changes within a unit class.
/// </summary>
public sealed class Recorder
{
    /// <summary>Home Assistant's default <c>purge_keep_days</c>: history and 5-minute statistics older than this go.</summary>
    public static readonly TimeSpan KeepHistory = TimeSpan.FromDays(10);

    private static readonly TimeSpan ShortTermLength = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HourLength = TimeSpan.FromHours(1);

    private readonly object _gate = new();
    private readonly TimeZoneInfo _zone;
    private readonly Dictionary<string, List<EntityState>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SumTracker> _sums = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatisticMetadata> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StatisticsRow>> _shortTerm = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StatisticsRow>> _hourly = new(StringComparer.Ordinal);
    private DateTimeOffset? _compiledUntil;

    public Recorder(TimeZoneInfo zone)
    {
        _zone = zone;
    }

    /// <summary>Records one state change (the state machine calls this for every change).</summary>
    public void Record(StateChangedEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            if (!_history.TryGetValue(change.EntityId, out var list))
            {
                list = [];
                _history[change.EntityId] = list;
            }

            list.Add(change.NewState);
        }
    }

    /// <summary>Compiles every 5-minute (and hourly) period that has ended by <paramref name="now"/>.</summary>
    public void CompileUntil(DateTimeOffset now)
    {
        lock (_gate)
        {
            var periodEnd = Floor(now, ShortTermLength);
            var next = _compiledUntil ?? periodEnd;
            if (_compiledUntil is null)
            {
                _compiledUntil = periodEnd;
                return;
            }

            while (next + ShortTermLength <= periodEnd)
            {
                var start = next;
                var end = next + ShortTermLength;
                CompileShortTerm(start, end);
                if (end.UtcTicks % HourLength.Ticks == 0)
                {
                    CompileHour(end - HourLength, end);
                    Purge(end - KeepHistory);
                }

                next = end;
            }

            _compiledUntil = next;
        }
    }

    /// <summary>
    /// The states of each entity from <paramref name="start"/> to <paramref name="end"/>, as
    /// <c>/api/history/period</c> lists them: first the state the entity had at the start (stamped with the
    /// start), then every change; with <paramref name="significantChangesOnly"/>, changes of attributes alone are left out.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<EntityState>> History(IEnumerable<string> entityIds, DateTimeOffset start, DateTimeOffset end, bool significantChangesOnly)
    {
        ArgumentNullException.ThrowIfNull(entityIds);
        var result = new List<IReadOnlyList<EntityState>>();
        lock (_gate)
        {
            foreach (var entityId in entityIds)
            {
                if (!_history.TryGetValue(entityId, out var list))
                {
                    continue;
                }

                var states = new List<EntityState>();
                var firstInside = UpperBound(list, start);
                if (firstInside > 0)
                {
                    var before = list[firstInside - 1];
                    states.Add(before.LastUpdated == start ? before : before with { LastChanged = start, LastUpdated = start });
                }

                for (var i = firstInside; i < list.Count && list[i].LastUpdated < end; i++)
                {
                    var state = list[i];
                    if (significantChangesOnly && states.Count > 0 && state.LastChanged != state.LastUpdated)
                    {
                        continue;
                    }

                    states.Add(state);
                }

                if (states.Count > 0)
                {
                    result.Add(states);
                }
            }
        }

        return result;
    }

    public IReadOnlyList<StatisticMetadata> ListStatisticIds(string? statisticType)
    {
        lock (_gate)
        {
            return [.. _metadata.Values
                .Where(m => statisticType switch { "sum" => m.HasSum, "mean" => m.HasMean, _ => true })
                .OrderBy(m => m.StatisticId, StringComparer.Ordinal)];
        }
    }

    public StatisticMetadata? Metadata(string statisticId)
    {
        lock (_gate)
        {
            return _metadata.GetValueOrDefault(statisticId);
        }
    }

    /// <summary>
    /// The rows of one statistic whose start lies in [<paramref name="start"/>, <paramref name="end"/>), with the
    /// sum of the last row before <paramref name="start"/> (or null) so callers can compute <c>change</c> as Home Assistant does.
    /// Days, weeks and months are built from hourly rows on local calendar boundaries.
    /// </summary>
    public (IReadOnlyList<StatisticsRow> Rows, double? SumBefore) Statistics(string statisticId, StatisticsPeriod period, DateTimeOffset start, DateTimeOffset? end)
    {
        lock (_gate)
        {
            var source = period == StatisticsPeriod.FiveMinute ? _shortTerm : _hourly;
            if (!source.TryGetValue(statisticId, out var rows))
            {
                return ([], null);
            }

            var stop = end ?? DateTimeOffset.MaxValue;
            if (period is StatisticsPeriod.FiveMinute or StatisticsPeriod.Hour)
            {
                var inside = rows.Where(r => r.Start >= start && r.Start < stop).ToList();
                var before = rows.LastOrDefault(r => r.Start < start)?.Sum;
                return (inside, before);
            }

            var buckets = rows
                .GroupBy(r => BucketStart(r.Start, period))
                .Select(g => Aggregate(g.Key, BucketEnd(g.Key, period), [.. g]))
                .ToList();
            var bucketRows = buckets.Where(r => r.Start >= start && r.Start < stop).ToList();
            var sumBefore = buckets.LastOrDefault(r => r.Start < start)?.Sum;
            return (bucketRows, sumBefore);
        }
    }

    private static StatisticsRow Aggregate(DateTimeOffset start, DateTimeOffset end, List<StatisticsRow> rows)
    {
        var last = rows[^1];
        var means = rows.Where(r => r.Mean is not null).Select(r => r.Mean!.Value).ToList();
        return new StatisticsRow(
            start,
            end,
            last.State,
            last.Sum,
            means.Count > 0 ? means.Average() : null,
            rows.Min(r => r.Min),
            rows.Max(r => r.Max));
    }

    private DateTimeOffset BucketStart(DateTimeOffset instant, StatisticsPeriod period)
    {
        var day = Core.Time.SlotGrid.LocalDateOf(instant, _zone);
        day = period switch
        {
            StatisticsPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            StatisticsPeriod.Month => new DateOnly(day.Year, day.Month, 1),
            _ => day,
        };
        return Core.Time.SlotGrid.StartOfLocalDay(day, _zone);
    }

    private DateTimeOffset BucketEnd(DateTimeOffset bucketStart, StatisticsPeriod period)
    {
        var day = Core.Time.SlotGrid.LocalDateOf(bucketStart, _zone);
        day = period switch
        {
            StatisticsPeriod.Week => day.AddDays(7),
            StatisticsPeriod.Month => day.AddMonths(1),
            _ => day.AddDays(1),
        };
        return Core.Time.SlotGrid.StartOfLocalDay(day, _zone);
    }

    private void CompileShortTerm(DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var (entityId, list) in _history)
        {
            var latest = list[^1];
            var stateClass = latest.StateClass;
            if (stateClass is not ("total_increasing" or "measurement"))
            {
                continue;
            }

            // The home publishes on whole minutes what it measured up to that instant, so a state stamped
            // exactly at a period's end closes that period (Home Assistant's own states never fall on the
            // boundary to the microsecond, so for it the choice never arises).
            var firstInside = UpperBound(list, start);
            var atStart = firstInside > 0 ? list[firstInside - 1] : null;
            var inside = new List<EntityState>();
            for (var i = firstInside; i < list.Count && list[i].LastUpdated <= end; i++)
            {
                inside.Add(list[i]);
            }

            var row = stateClass == "total_increasing"
                ? CompileTotal(entityId, atStart, inside, start, end)
                : CompileMeasurement(entityId, atStart, inside, start, end);
            if (row is not null)
            {
                Append(_shortTerm, entityId, row);
            }
        }
    }

    private StatisticsRow? CompileTotal(string entityId, EntityState? atStart, List<EntityState> inside, DateTimeOffset start, DateTimeOffset end)
    {
        if (!_sums.TryGetValue(entityId, out var tracker))
        {
            tracker = new SumTracker();
            _sums[entityId] = tracker;
        }

        double? lastValue = null;
        foreach (var state in (atStart is null ? inside : inside.Prepend(atStart)))
        {
            var value = InStatisticsUnit(entityId, state, hasSum: true);
            if (value is null)
            {
                continue;
            }

            tracker.Add(value.Value);
            lastValue = value;
        }

        return lastValue is null ? null : new StatisticsRow(start, end, lastValue, tracker.Sum, null, null, null);
    }

    private StatisticsRow? CompileMeasurement(string entityId, EntityState? atStart, List<EntityState> inside, DateTimeOffset start, DateTimeOffset end)
    {
        var segments = new List<(double Value, TimeSpan Length)>();
        var all = atStart is null ? inside : [atStart, .. inside];
        for (var i = 0; i < all.Count; i++)
        {
            var from = all[i].LastUpdated < start ? start : all[i].LastUpdated;
            var to = i + 1 < all.Count ? all[i + 1].LastUpdated : end;
            var value = InStatisticsUnit(entityId, all[i], hasSum: false);
            if (value is not null && to > from)
            {
                segments.Add((value.Value, to - from));
            }
        }

        if (segments.Count == 0)
        {
            return null;
        }

        var total = segments.Sum(s => s.Length.TotalSeconds);
        var mean = segments.Sum(s => s.Value * s.Length.TotalSeconds) / total;
        return new StatisticsRow(start, end, null, null, mean, segments.Min(s => s.Value), segments.Max(s => s.Value));
    }

    private void CompileHour(DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var (entityId, rows) in _shortTerm)
        {
            var inHour = rows.Where(r => r.Start >= start && r.Start < end).ToList();
            if (inHour.Count > 0)
            {
                Append(_hourly, entityId, Aggregate(start, end, inHour));
            }
        }
    }

    /// <summary>A state's numeric value in the statistic's unit (the first unit it was recorded in), or null.</summary>
    private double? InStatisticsUnit(string entityId, EntityState state, bool hasSum)
    {
        if (state.NumericState is not { } value)
        {
            return null;
        }

        var unit = state.UnitOfMeasurement;
        if (!_metadata.TryGetValue(entityId, out var metadata))
        {
            var name = state.Attributes.TryGetValue("friendly_name", out var friendly) ? friendly as string : null;
            metadata = new StatisticMetadata(entityId, name, unit, UnitClasses.Of(unit), HasMean: !hasSum, HasSum: hasSum);
            _metadata[entityId] = metadata;
        }

        return UnitClasses.Convert(value, unit, metadata.Unit);
    }

    private void Purge(DateTimeOffset before)
    {
        foreach (var list in _history.Values)
        {
            // Keep the last state before the cut: it is the state at the start of what remains.
            var cut = UpperBound(list, before) - 1;
            if (cut > 0)
            {
                list.RemoveRange(0, cut);
            }
        }

        foreach (var rows in _shortTerm.Values)
        {
            rows.RemoveAll(r => r.Start < before);
        }
    }

    private static void Append(Dictionary<string, List<StatisticsRow>> table, string entityId, StatisticsRow row)
    {
        if (!table.TryGetValue(entityId, out var rows))
        {
            rows = [];
            table[entityId] = rows;
        }

        rows.Add(row);
    }

    /// <summary>The index of the first state updated after <paramref name="instant"/>.</summary>
    private static int UpperBound(List<EntityState> list, DateTimeOffset instant)
    {
        int low = 0, high = list.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (list[middle].LastUpdated <= instant)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static DateTimeOffset Floor(DateTimeOffset instant, TimeSpan step) =>
        new(instant.UtcTicks - (instant.UtcTicks % step.Ticks), TimeSpan.Zero);

    /// <summary>The running sum of a <c>total_increasing</c> sensor, as Home Assistant's sensor recorder keeps it.</summary>
    private sealed class SumTracker
    {
        private double? _last;

        public double Sum { get; private set; }

        public void Add(double value)
        {
            if (_last is { } last)
            {
                // A drop below 90 % is a reset: the meter counts again from zero, so all of the new value is new energy.
                Sum += value < 0.9 * last ? value : value - last;
            }

            _last = value;
        }
    }
}

/// <summary>Home Assistant's unit classes for the units the simulated home uses, and conversions within them.</summary>
public static class UnitClasses
{
    private static readonly Dictionary<string, (string UnitClass, double Factor)> Units = new(StringComparer.Ordinal)
    {
        ["Wh"] = ("energy", 0.001),
        ["kWh"] = ("energy", 1),
        ["MWh"] = ("energy", 1000),
        ["W"] = ("power", 0.001),
        ["kW"] = ("power", 1),
        ["°C"] = ("temperature", 1),
    };

    public static string? Of(string? unit) => unit is not null && Units.TryGetValue(unit, out var known) ? known.UnitClass : null;

    /// <summary>Converts within a unit class; null when the units are of different classes.</summary>
    public static double? Convert(double value, string? from, string? to)
    {
        if (from == to)
        {
            return value;
        }

        if (from is null || to is null || !Units.TryGetValue(from, out var source) || !Units.TryGetValue(to, out var target) ||
            source.UnitClass != target.UnitClass || source.UnitClass == "temperature")
        {
            return null;
        }

        return value * source.Factor / target.Factor;
    }
}
