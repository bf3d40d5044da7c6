using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Core.Units;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Etl;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Backfill;

/// <summary>What a backfill did: the days it read and what the ETL wrote.</summary>
public sealed record BackfillReport(DateTimeOffset From, DateTimeOffset To, int SlotsWritten, int InterpolatedSlots, int FiveMinuteDays, int HourlyDays);

/// <summary>
/// Pulls history from Home Assistant's recorder into slots, one local day at a time through the ETL: counters from
/// <c>recorder/statistics_during_period</c> (5-minute rows where the recorder still keeps them, hourly beyond;
/// <c>state</c> on the sensor's own scale and <c>change</c> for the energy of each period), the SoC from
/// <c>history/period</c>. Each role starts at its stored baseline, so a second run, or one after an interruption,
/// writes only what is new.
/// </summary>
public sealed class StatisticsBackfill
{
    private static readonly Dictionary<string, string> KilowattHours = new(StringComparer.Ordinal) { ["energy"] = "kWh" };

    private readonly HomeAssistantWebSocketClient _client;
    private readonly HomeAssistantRestClient? _rest;
    private readonly SlotEtl _etl;
    private readonly TimeProvider _time;
    private readonly ILogger<StatisticsBackfill> _logger;

    /// <param name="rest">For the SoC's history; without it the SoC is not backfilled.</param>
    public StatisticsBackfill(HomeAssistantWebSocketClient client, HomeAssistantRestClient? rest, SlotEtl etl, TimeProvider time, ILogger<StatisticsBackfill> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _rest = rest;
        _etl = etl ?? throw new ArgumentNullException(nameof(etl));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <param name="progress">Told (days done, days in all) after each day.</param>
    public async Task<BackfillReport> RunAsync(int days, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        var to = SlotGrid.Floor(_time.GetUtcNow());
        var from = SlotGrid.Floor(to - TimeSpan.FromDays(days));
        return await RunAsync(from, to, progress, cancellationToken);
    }

    /// <summary>
    /// Backfills [<paramref name="from"/>, <paramref name="to"/>): from each role's baseline when that is later, and
    /// what the recorder holds before the earliest slot recorded when <paramref name="from"/> lies before it (more
    /// days asked for than were read at first), without touching what is recorded.
    /// </summary>
    public async Task<BackfillReport> RunAsync(DateTimeOffset from, DateTimeOffset to, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var counters = _etl.Settings.Sensors.Where(s => s.Quantity == SensorQuantity.Energy).ToList();
        var soc = _etl.Settings.Sensors.FirstOrDefault(s => s.Role == SensorRole.BatterySoc);
        var baselines = await _etl.ReadBaselinesAsync(cancellationToken);
        var chunks = new List<(DateTimeOffset Start, DateTimeOffset End, bool BeforeRecorded)>();
        var resume = from;
        if (counters.Count > 0 && counters.All(c => baselines.ContainsKey(c.Role)))
        {
            // Resume where the slowest role stopped: everything before it is stored already.
            var stopped = counters.Min(c => baselines[c.Role].At);
            resume = stopped > from ? stopped : from;
            if (await OlderHistoryStartAsync(counters, from, cancellationToken) is var (olderFrom, earliest))
            {
                _logger.LogInformation(
                    "Reading the home's history from {From} to {Earliest}, before the earliest slot recorded", InstantText.Format(olderFrom), InstantText.Format(earliest));
                // One slot into what is recorded, so the earliest slot (which had no reading before it) gets its energy.
                AddChunks(olderFrom, earliest + SlotGrid.SlotLength, beforeRecorded: true);
            }
        }

        AddChunks(resume, to, beforeRecorded: false);
        from = chunks.Count > 0 ? chunks[0].Start : resume;

        int written = 0, interpolated = 0, fiveMinuteDays = 0, hourlyDays = 0;
        IReadOnlyDictionary<SensorRole, CounterBaseline>? olderBaselines = null;
        progress?.Report((0, chunks.Count));
        for (var i = 0; i < chunks.Count; i++)
        {
            var (start, end, beforeRecorded) = chunks[i];
            // The older days carry their counters from day to day themselves: the stored baselines are the latest ones.
            var batch = new EtlBatch { SocKnownUntil = end, BeforeRecorded = beforeRecorded, StartBaselines = olderBaselines };
            var rows = await StatisticsAsync(counters, start, end, StatisticsPeriod.FiveMinutes, cancellationToken);
            // The recorder keeps 5-minute rows for its last days only (10 by default): a day across that edge, or
            // before it, is read hourly up to the first whole hour of 5-minute rows.
            var missing = counters.Where(c => !rows.TryGetValue(c.EntityId, out var fine) || fine[0].Start > start + FiveMinutes).ToList();
            if (missing.Count > 0)
            {
                var hourly = await StatisticsAsync(missing, start, end, StatisticsPeriod.Hour, cancellationToken);
                foreach (var counter in missing)
                {
                    rows[counter.EntityId] = Joined(hourly.GetValueOrDefault(counter.EntityId), rows.GetValueOrDefault(counter.EntityId));
                }

                hourlyDays++;
            }
            else
            {
                fiveMinuteDays++;
            }

            foreach (var counter in counters)
            {
                foreach (var row in rows.GetValueOrDefault(counter.EntityId) ?? [])
                {
                    batch.Add(counter.Role, new CounterReading(row.End, row.State, "kWh")
                    {
                        ChangeKwh = WholeSumAsChange(row) ? null : row.Change,
                        ChangeSince = row.Start,
                        FromRecorder = true,
                    });
                }
            }

            if (soc is not null && _rest is not null)
            {
                var history = await _rest.GetHistoryAsync([soc.EntityId], start, end, new HistoryQuery(), cancellationToken);
                foreach (var state in history.SelectMany(h => h.States))
                {
                    batch.Soc.Add(new SocReading(state.LastUpdated, state.TryGetNumber(out var percent) ? UnitConverter.ToPercent(percent, state.UnitOfMeasurement ?? "%", soc.EntityId) : null));
                }
            }

            var result = await _etl.IngestAsync(batch, cancellationToken);
            olderBaselines = beforeRecorded ? result.NextBaselines : null;
            written += result.SlotsWritten;
            interpolated += result.InterpolatedSlots;
            progress?.Report((i + 1, chunks.Count));
        }

        _logger.LogInformation(
            "Backfilled {From} to {To}: {Slots} slots, {Interpolated} interpolated; {FiveMinuteDays} days from 5-minute statistics, {HourlyDays} from hourly",
            InstantText.Format(from), InstantText.Format(to), written, interpolated, fiveMinuteDays, hourlyDays);
        return new BackfillReport(from, to, written, interpolated, fiveMinuteDays, hourlyDays);

        void AddChunks(DateTimeOffset first, DateTimeOffset end, bool beforeRecorded)
        {
            for (var start = first; start < end; start += TimeSpan.FromDays(1))
            {
                chunks.Add((start, start + TimeSpan.FromDays(1) < end ? start + TimeSpan.FromDays(1) : end, beforeRecorded));
            }
        }
    }

    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Home Assistant's change of a period's first row is its sum less the latest sum before it in the same table, or
    /// less nothing when there is none: after the recorder purged the older 5-minute rows, the first one left claims the
    /// whole meter as its change. Such a row is measured from the reading before it instead. (A statistic's very first
    /// row has its change equal to its sum too, rightly, and there is no reading before it to measure from anyway.)
    /// </summary>
    private static bool WholeSumAsChange(StatisticsRow row) =>
        row is { Change: { } change, Sum: { } sum } && change > 0 && Math.Abs(change - sum) < 1e-6;

    /// <summary>
    /// Where the recorder's history older than the earliest slot recorded starts, at or after <paramref name="from"/>,
    /// and that earliest slot; null when <paramref name="from"/> is not before it or the recorder holds less than a day
    /// older (one hourly request decides, so a home whose history is all recorded costs no more).
    /// </summary>
    private async Task<(DateTimeOffset From, DateTimeOffset Earliest)?> OlderHistoryStartAsync(
        List<MappedSensor> counters, DateTimeOffset from, CancellationToken cancellationToken)
    {
        if (await _etl.ReadEarliestSlotStartAsync(cancellationToken) is not { } earliest || earliest <= from)
        {
            return null;
        }

        var hourly = await StatisticsAsync(counters, from, earliest, StatisticsPeriod.Hour, cancellationToken);
        var rows = hourly.Values.SelectMany(r => r).Where(r => r.Start < earliest).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        // Less than a day older is the hour the earliest slot began in, not history worth another pass.
        var first = SlotGrid.Floor(rows.Min(r => r.Start));
        return first <= earliest - TimeSpan.FromDays(1) ? (first > from ? first : from, earliest) : null;
    }

    /// <summary>
    /// Hourly rows up to the first whole hour the 5-minute rows cover, then the 5-minute rows from there, so the two
    /// meet on an hour without a gap or an overlap; either alone when the other has none.
    /// </summary>
    internal static IReadOnlyList<StatisticsRow> Joined(IReadOnlyList<StatisticsRow>? hourly, IReadOnlyList<StatisticsRow>? fiveMinutes)
    {
        if (fiveMinutes is not { Count: > 0 })
        {
            return hourly ?? [];
        }

        if (hourly is not { Count: > 0 })
        {
            return fiveMinutes;
        }

        var first = fiveMinutes[0].Start;
        var edge = new DateTimeOffset(first.UtcTicks - (first.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        if (edge < first)
        {
            edge = edge.AddHours(1);
        }

        return [.. hourly.Where(r => r.End <= edge), .. fiveMinutes.Where(r => r.Start >= edge)];
    }

    private async Task<Dictionary<string, IReadOnlyList<StatisticsRow>>> StatisticsAsync(
        List<MappedSensor> sensors, DateTimeOffset start, DateTimeOffset end, StatisticsPeriod period, CancellationToken cancellationToken)
    {
        if (sensors.Count == 0)
        {
            return [];
        }

        var request = new StatisticsRequest([.. sensors.Select(s => s.EntityId)], start, end, period, StatisticTypes.Change | StatisticTypes.Sum | StatisticTypes.State, KilowattHours);
        var rows = await _client.GetStatisticsDuringPeriodAsync(request, cancellationToken);
        return rows.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }
}
