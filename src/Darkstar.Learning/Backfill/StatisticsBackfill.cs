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

    /// <summary>Backfills [<paramref name="from"/>, <paramref name="to"/>), from each role's baseline when that is later.</summary>
    public async Task<BackfillReport> RunAsync(DateTimeOffset from, DateTimeOffset to, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var counters = _etl.Settings.Sensors.Where(s => s.Quantity == SensorQuantity.Energy).ToList();
        var soc = _etl.Settings.Sensors.FirstOrDefault(s => s.Role == SensorRole.BatterySoc);
        var baselines = await _etl.ReadBaselinesAsync(cancellationToken);
        if (counters.Count > 0 && counters.All(c => baselines.ContainsKey(c.Role)))
        {
            // Resume where the slowest role stopped: everything before it is stored already.
            var resume = counters.Min(c => baselines[c.Role].At);
            from = resume > from ? resume : from;
        }

        var chunks = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        for (var start = from; start < to; start += TimeSpan.FromDays(1))
        {
            chunks.Add((start, start + TimeSpan.FromDays(1) < to ? start + TimeSpan.FromDays(1) : to));
        }

        int written = 0, interpolated = 0, fiveMinuteDays = 0, hourlyDays = 0;
        progress?.Report((0, chunks.Count));
        for (var i = 0; i < chunks.Count; i++)
        {
            var (start, end) = chunks[i];
            var batch = new EtlBatch { SocKnownUntil = end };
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
                        ChangeKwh = row.Change,
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
            written += result.SlotsWritten;
            interpolated += result.InterpolatedSlots;
            progress?.Report((i + 1, chunks.Count));
        }

        _logger.LogInformation(
            "Backfilled {From} to {To}: {Slots} slots, {Interpolated} interpolated; {FiveMinuteDays} days from 5-minute statistics, {HourlyDays} from hourly",
            InstantText.Format(from), InstantText.Format(to), written, interpolated, fiveMinuteDays, hourlyDays);
        return new BackfillReport(from, to, written, interpolated, fiveMinuteDays, hourlyDays);
    }

    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

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

        var request = new StatisticsRequest([.. sensors.Select(s => s.EntityId)], start, end, period, StatisticTypes.Change | StatisticTypes.State, KilowattHours);
        var rows = await _client.GetStatisticsDuringPeriodAsync(request, cancellationToken);
        return rows.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }
}
