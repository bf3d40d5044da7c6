using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Learning.Quality;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Etl;

/// <summary>What the ETL needs to know about the home.</summary>
public sealed record EtlSettings
{
    /// <summary>The roles the options map (<see cref="SensorRoles.Mapped"/>).</summary>
    public required IReadOnlyList<MappedSensor> Sensors { get; init; }

    public required EnergyLimits Limits { get; init; }

    /// <summary>Home Assistant's time zone: the local days that data quality judges.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>Slots per write transaction.</summary>
    public int BatchSize { get; init; } = 2000;
}

/// <summary>Readings to turn into slots: counters by role, the SoC, and how far apart readings normally are.</summary>
public sealed class EtlBatch
{
    public Dictionary<SensorRole, List<CounterReading>> Counters { get; } = [];

    public List<SocReading> Soc { get; } = [];

    /// <summary>Readings farther apart than this are a gap (hourly data: one hour; live states: one slot).</summary>
    public TimeSpan RegularInterval { get; init; } = SlotGrid.SlotLength;

    /// <summary>Until when the last SoC reading is known to hold; default: the last SoC reading itself.</summary>
    public DateTimeOffset? SocKnownUntil { get; set; }

    /// <summary>
    /// The readings lie before everything recorded (older history read afterwards): each counter starts from
    /// <see cref="StartBaselines"/> (or its own first reading) rather than the stored baseline, the stored baselines
    /// stay as they are, and no recorded slot is replaced but for one recorded as missing.
    /// </summary>
    public bool BeforeRecorded { get; init; }

    /// <summary>With <see cref="BeforeRecorded"/>: where the counters stood, from the batch before this one (<see cref="EtlResult.NextBaselines"/>).</summary>
    public IReadOnlyDictionary<SensorRole, CounterBaseline>? StartBaselines { get; init; }

    public void Add(SensorRole role, CounterReading reading)
    {
        if (!Counters.TryGetValue(role, out var list))
        {
            list = [];
            Counters[role] = list;
        }

        list.Add(reading);
    }
}

/// <summary>What one ETL run wrote.</summary>
public sealed record EtlResult(
    int SlotsWritten,
    int InterpolatedSlots,
    int Spikes,
    int CounterResets,
    IReadOnlyList<DayQuality> Days,
    SlotRange Range)
{
    public static readonly EtlResult Nothing = new(0, 0, 0, 0, [], default);

    /// <summary>Where each counter stood after the batch: what the next batch of the same run starts from.</summary>
    public IReadOnlyDictionary<SensorRole, CounterBaseline> NextBaselines { get; init; } = new Dictionary<SensorRole, CounterBaseline>();
}

/// <summary>
/// The one path from cumulative readings to <c>slot_observations</c>, shared by the live recorder, the backfill and
/// the dataset import. Resumes from <c>sensor_totals</c> (readings at or before a role's stored baseline are
/// skipped, so a run repeated changes nothing), merges into the slots already stored (a role fills only its own
/// column), derives load when there is no load sensor, writes in batches of one transaction each, and judges the
/// local days it touched.
/// </summary>
public sealed class SlotEtl : IDisposable
{
    private const string SocUnit = "%";

    private readonly SlotObservationRepository _observations;
    private readonly SensorTotalRepository _totals;
    private readonly PriceRepository _prices;
    private readonly DataQualityRepository _quality;
    private readonly EtlSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<SlotEtl> _logger;
    private readonly HashSet<SensorRole> _mapped;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SlotEtl(
        SlotObservationRepository observations,
        SensorTotalRepository totals,
        PriceRepository prices,
        DataQualityRepository quality,
        EtlSettings settings,
        TimeProvider time,
        ILogger<SlotEtl> logger)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(quality);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _observations = observations;
        _totals = totals;
        _prices = prices;
        _quality = quality;
        _settings = settings;
        _time = time;
        _logger = logger;
        _mapped = settings.Sensors.Select(s => s.Role).ToHashSet();
    }

    public EtlSettings Settings => _settings;

    /// <summary>Where each energy role resumes: its stored baseline (a slot boundary), for the mapped entity only.</summary>
    public async Task<IReadOnlyDictionary<SensorRole, CounterBaseline>> ReadBaselinesAsync(CancellationToken cancellationToken)
    {
        var stored = (await _totals.ReadAllAsync(cancellationToken)).ToDictionary(t => t.Role, StringComparer.Ordinal);
        var baselines = new Dictionary<SensorRole, CounterBaseline>();
        foreach (var sensor in _settings.Sensors.Where(s => s.Quantity == Core.Units.SensorQuantity.Energy))
        {
            if (stored.TryGetValue(sensor.OptionKey, out var total) && total.EntityId == sensor.EntityId)
            {
                baselines[sensor.Role] = new CounterBaseline(total.LastReadingAt, total.LastValue, total.Unit);
            }
        }

        return baselines;
    }

    /// <summary>The start of the earliest slot recorded, or null when nothing is.</summary>
    public Task<DateTimeOffset?> ReadEarliestSlotStartAsync(CancellationToken cancellationToken) =>
        _observations.ReadEarliestSlotStartAsync(cancellationToken);

    public async Task<EtlResult> IngestAsync(EtlBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // One ETL run at a time: the recorder's slot tick and a gap fill must not interleave their merges.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await IngestLockedAsync(batch, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EtlResult> IngestLockedAsync(EtlBatch batch, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var baselines = batch.BeforeRecorded
            ? batch.StartBaselines ?? new Dictionary<SensorRole, CounterBaseline>()
            : await ReadBaselinesAsync(cancellationToken);
        var perRole = new Dictionary<SensorRole, CounterSlots>();
        foreach (var sensor in _settings.Sensors.Where(s => s.Quantity == Core.Units.SensorQuantity.Energy))
        {
            var slotter = new CounterSlotter(sensor.Role, sensor.EntityId, _settings.Limits, batch.RegularInterval);
            var readings = batch.Counters.GetValueOrDefault(sensor.Role) ?? [];
            perRole[sensor.Role] = slotter.Run(baselines.GetValueOrDefault(sensor.Role), readings);
        }

        // The slots any role produced, in order: a year of them is too many for a sorted set of every role's keys.
        var indices = new List<long>();
        long first = long.MaxValue, last = long.MinValue;
        foreach (var roleSlots in perRole.Values)
        {
            foreach (var index in roleSlots.Slots.Keys)
            {
                first = Math.Min(first, index);
                last = Math.Max(last, index);
            }
        }

        for (var index = first; index <= last; index++)
        {
            foreach (var slots in perRole.Values)
            {
                if (slots.Slots.ContainsKey(index))
                {
                    indices.Add(index);
                    break;
                }
            }
        }

        var socTimeline = await BuildSocTimelineAsync(batch, cancellationToken);
        var written = 0;
        var interpolated = 0;
        IReadOnlyList<DayQuality> days = [];
        var range = default(SlotRange);
        if (indices.Count > 0)
        {
            range = new SlotRange(indices[0], checked((int)(indices[^1] - indices[0] + 1)));
            var existing = (await _observations.ReadRangeAsync(range, cancellationToken)).ToDictionary(o => o.SlotStart);
            var prices = (await _prices.ReadRangeAsync(range, cancellationToken)).ToDictionary(p => p.SlotStart);
            var merged = new List<SlotObservation>(indices.Count);
            foreach (var index in indices)
            {
                if (batch.BeforeRecorded && existing.TryGetValue(SlotGrid.StartOf(index), out var recorded) && !recorded.QualityFlags.HasFlag(SlotQuality.Missing))
                {
                    continue;
                }

                var slot = Merge(index, perRole, existing, prices, socTimeline);
                merged.Add(slot);
                if (slot.QualityFlags.HasFlag(SlotQuality.Interpolated))
                {
                    interpolated++;
                }
            }

            foreach (var chunk in merged.Chunk(_settings.BatchSize))
            {
                written += await _observations.UpsertAsync(chunk, cancellationToken);
            }

            days = await JudgeDaysAsync(range, merged, existing, now, cancellationToken);
        }

        if (!batch.BeforeRecorded)
        {
            await SaveTotalsAsync(perRole, socTimeline, now, cancellationToken);
        }

        var result = new EtlResult(written, interpolated, perRole.Values.Sum(r => r.SpikeCount), perRole.Values.Sum(r => r.ResetCount), days, range)
        {
            NextBaselines = perRole.Where(r => r.Value.NextBaseline is not null).ToDictionary(r => r.Key, r => r.Value.NextBaseline!),
        };
        if (written > 0)
        {
            _logger.LogInformation(
                "Wrote {Slots} slots ({Range}): {Interpolated} interpolated, {Spikes} spikes rejected, {Resets} counter resets",
                written, range.ToString(), interpolated, result.Spikes, result.CounterResets);
        }

        return result;
    }

    private SlotObservation Merge(
        long index,
        Dictionary<SensorRole, CounterSlots> perRole,
        Dictionary<DateTimeOffset, SlotObservation> existing,
        Dictionary<DateTimeOffset, SlotPrice> prices,
        SocTimeline soc)
    {
        var start = SlotGrid.StartOf(index);
        var slot = existing.GetValueOrDefault(start) ?? new SlotObservation { SlotStart = start };
        var flags = slot.QualityFlags & ~(SlotQuality.Missing | SlotQuality.Estimated);
        // One copy of the record per slot, not one per role: a year of slots is tens of thousands of them.
        Span<double?> energy = stackalloc double?[SlotColumns.EnergyRoles.Length];
        for (var r = 0; r < energy.Length; r++)
        {
            energy[r] = SlotColumns.Get(slot, SlotColumns.EnergyRoles[r]);
        }

        foreach (var (role, result) in perRole)
        {
            if (result.Slots.TryGetValue(index, out var slotEnergy))
            {
                if (SlotColumns.IsSubMeter(role))
                {
                    // A sub-meter's gap leaves the load measured: only its own measured values are kept.
                    energy[SlotColumns.IndexOf(role)] = (slotEnergy.Flags & SlotMeasurement.Made) == SlotQuality.None ? slotEnergy.Kwh : null;
                    continue;
                }

                flags |= slotEnergy.Flags;
                if (role == SensorRole.TotalPvProduction && (slotEnergy.Flags & SlotMeasurement.Made) != SlotQuality.None)
                {
                    flags |= SlotQuality.PvDoubtful;
                }
                if (slotEnergy.Kwh is { } kwh)
                {
                    energy[SlotColumns.IndexOf(role)] = kwh;
                }
            }
        }

        slot = SlotColumns.WithEnergy(slot, energy);
        if (!_mapped.Contains(SensorRole.TotalLoadConsumption))
        {
            slot = slot with { LoadKwh = SlotColumns.DeriveLoad(slot, _mapped) };
            flags |= SlotQuality.Estimated;
        }

        var hasPrice = prices.TryGetValue(start, out var price);
        slot = slot with
        {
            SocStartPercent = slot.SocStartPercent ?? soc.At(start),
            SocEndPercent = slot.SocEndPercent ?? soc.At(start + SlotGrid.SlotLength),
            ImportPrice = slot.ImportPrice ?? (hasPrice ? price!.ImportPrice : null),
            ExportPrice = slot.ExportPrice ?? (hasPrice ? price!.ExportPrice : null),
        };

        var missing = slot.LoadKwh is null ||
            (_mapped.Contains(SensorRole.BatterySoc) && (slot.SocStartPercent is null || slot.SocEndPercent is null));
        for (var r = 0; r < energy.Length && !missing; r++)
        {
            missing = energy[r] is null && _mapped.Contains(SlotColumns.EnergyRoles[r]) && !SlotColumns.IsSubMeter(SlotColumns.EnergyRoles[r]);
        }

        return slot with { QualityFlags = missing ? flags | SlotQuality.Missing : flags };
    }

    /// <summary>
    /// Judges every local day <paramref name="range"/> touches. Inside the range the database now holds the merged
    /// slots and, where nothing was merged, the ones read before; only the rest of the first and last day is read.
    /// </summary>
    private async Task<IReadOnlyList<DayQuality>> JudgeDaysAsync(
        SlotRange range, List<SlotObservation> merged, Dictionary<DateTimeOffset, SlotObservation> existing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var zone = _settings.TimeZone;
        var firstDay = SlotGrid.LocalDateOf(range.Start, zone);
        var lastDay = SlotGrid.LocalDateOf(range.End.AddTicks(-1), zone);
        var wholeStart = SlotGrid.StartOfLocalDay(firstDay, zone);
        var wholeEnd = SlotGrid.StartOfLocalDay(lastDay.AddDays(1), zone);
        var observations = new List<SlotObservation>(merged.Count + existing.Count + 200);
        if (wholeStart < range.Start)
        {
            observations.AddRange(await _observations.ReadRangeAsync(SlotRange.Between(wholeStart, range.Start), cancellationToken));
        }

        var mergedStarts = new HashSet<DateTimeOffset>(merged.Select(m => m.SlotStart));
        observations.AddRange(merged);
        observations.AddRange(existing.Values.Where(e => !mergedStarts.Contains(e.SlotStart)));
        if (range.End < wholeEnd)
        {
            observations.AddRange(await _observations.ReadRangeAsync(SlotRange.Between(range.End, wholeEnd), cancellationToken));
        }

        observations.Sort((a, b) => a.SlotStart.CompareTo(b.SlotStart));
        var days = new List<DayQuality>();
        var cursor = 0;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var slots = SlotGrid.LocalDay(day, zone);
            var inDay = new List<SlotObservation>(slots.Count);
            while (cursor < observations.Count && observations[cursor].SlotStart < slots.End)
            {
                if (observations[cursor].SlotStart >= slots.Start)
                {
                    inDay.Add(observations[cursor]);
                }

                cursor++;
            }

            days.Add(DayQualityClassifier.Classify(day, slots, inDay, _mapped, now));
        }

        await _quality.UpsertAsync(days, cancellationToken);
        return days;
    }

    private async Task<SocTimeline> BuildSocTimelineAsync(EtlBatch batch, CancellationToken cancellationToken)
    {
        var sensor = _settings.Sensors.FirstOrDefault(s => s.Role == SensorRole.BatterySoc);
        if (sensor is null)
        {
            return SocTimeline.Empty;
        }

        var readings = new List<SocReading>();
        var stored = await _totals.ReadAsync(sensor.OptionKey, cancellationToken);
        if (stored is not null && stored.EntityId == sensor.EntityId)
        {
            readings.Add(new SocReading(stored.LastReadingAt, stored.LastValue));
        }

        readings.AddRange(batch.Soc.Where(r => r.Percent is null || double.IsFinite(r.Percent.Value)));
        readings.Sort((a, b) => a.At.CompareTo(b.At));
        var knownUntil = batch.SocKnownUntil ?? (readings.Count > 0 ? readings[^1].At : DateTimeOffset.MinValue);
        return new SocTimeline(sensor, readings, knownUntil);
    }

    private async Task SaveTotalsAsync(Dictionary<SensorRole, CounterSlots> perRole, SocTimeline soc, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var totals = new List<SensorTotal>();
        foreach (var sensor in _settings.Sensors)
        {
            if (perRole.TryGetValue(sensor.Role, out var result) && result.NextBaseline is { } baseline)
            {
                totals.Add(new SensorTotal
                {
                    Role = sensor.OptionKey,
                    EntityId = sensor.EntityId,
                    LastValue = baseline.Value,
                    Unit = baseline.Unit,
                    LastReadingAt = baseline.At,
                    UpdatedAt = now,
                });
            }
        }

        if (soc.LastKnown is { } last && soc.Sensor is { } socSensor)
        {
            totals.Add(new SensorTotal
            {
                Role = socSensor.OptionKey,
                EntityId = socSensor.EntityId,
                LastValue = last.Percent!.Value,
                Unit = SocUnit,
                LastReadingAt = InstantText.Truncate(last.At),
                UpdatedAt = now,
            });
        }

        if (totals.Count > 0)
        {
            await _totals.UpsertAsync(totals, cancellationToken);
        }
    }

    /// <summary>The SoC as a step function: each reading holds until the next; known up to <see cref="_knownUntil"/>.</summary>
    public void Dispose() => _gate.Dispose();

    private sealed class SocTimeline(MappedSensor? sensor, List<SocReading> readings, DateTimeOffset knownUntil)
    {
        private readonly DateTimeOffset _knownUntil = knownUntil;

        public static SocTimeline Empty { get; } = new(null, [], DateTimeOffset.MinValue);

        public MappedSensor? Sensor => sensor;

        public SocReading? LastKnown => readings.LastOrDefault(r => r.Percent is not null) is { Percent: not null } last ? last : null;

        public double? At(DateTimeOffset instant)
        {
            if (readings.Count == 0 || instant > _knownUntil)
            {
                return null;
            }

            int low = 0, high = readings.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (readings[middle].At <= instant)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low == 0 ? null : readings[low - 1].Percent;
        }
    }
}
