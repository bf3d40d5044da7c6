using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Core.Units;

namespace Darkstar.Learning.Etl;

/// <summary>The energy one counter contributed to one slot. <see cref="Kwh"/> is null when the counter did not cover the whole slot.</summary>
public readonly record struct SlotEnergy(double? Kwh, SlotQuality Flags);

/// <summary>What one run of <see cref="CounterSlotter"/> found: complete slots by index and where the next run starts.</summary>
public sealed record CounterSlots(IReadOnlyDictionary<long, SlotEnergy> Slots, CounterBaseline? NextBaseline, int SpikeCount, int ResetCount);

/// <summary>
/// Turns the readings of one cumulative counter into energy per 15-minute slot. Energy between two
/// accepted readings is spread over the slots between them in proportion to time; an interval longer than
/// the regular reading interval, or one across <c>unavailable</c> readings, is a gap and its slots are flagged
/// <see cref="SlotQuality.Interpolated"/>. A drop below <see cref="ResetFraction"/> of the last value is a counter
/// reset: the new value is the energy since the restart from zero. A smaller drop is noise and is skipped. Energy
/// above the role's physical limit is a <see cref="SlotQuality.Spike"/> and is not accepted; when the next reading
/// continues plausibly from the spike, the counter really jumped and counting starts again from there.
/// Only slots that end at or before the last accepted reading are returned, so a slot is written once, complete.
/// </summary>
public sealed class CounterSlotter
{
    /// <summary>Home Assistant's own rule for <c>total_increasing</c> sensors: a drop below 90 % of the last value is a reset.</summary>
    public const double ResetFraction = 0.9;

    private const double SlotSeconds = SlotGrid.MinutesPerSlot * 60.0;

    private readonly SensorRole _role;
    private readonly string _entityId;
    private readonly EnergyLimits _limits;
    private readonly TimeSpan _regularInterval;
    private string? _factorUnit;
    private double _factor;
    private bool _hasFactor;

    /// <param name="regularInterval">How far apart readings normally are; a longer interval is a gap.</param>
    public CounterSlotter(SensorRole role, string entityId, EnergyLimits limits, TimeSpan regularInterval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
        ArgumentNullException.ThrowIfNull(limits);
        _role = role;
        _entityId = entityId;
        _limits = limits;
        _regularInterval = regularInterval;
    }

    /// <summary>Runs over <paramref name="readings"/> (any order) after <paramref name="baseline"/>; readings at or before it are skipped.</summary>
    /// <exception cref="UnitConversionException">A reading's unit is not an energy unit.</exception>
    public CounterSlots Run(CounterBaseline? baseline, IEnumerable<CounterReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var accumulators = new Dictionary<long, Accumulator>();
        var last = baseline is null ? (Accepted?)null : Accept(baseline.At, baseline.Value, baseline.Unit);
        Accepted? spikeCandidate = null;
        var sawGap = false;
        int spikes = 0, resets = 0;

        foreach (var reading in readings.OrderBy(r => r.At))
        {
            if (last is { } previous && reading.At <= previous.At)
            {
                continue;
            }

            if (reading.Value is not { } value || !double.IsFinite(value))
            {
                sawGap = true;
                continue;
            }

            var current = Accept(reading.At, value, reading.Unit);
            if (last is null)
            {
                last = current;
                sawGap = false;
                continue;
            }

            var step = Measure(last.Value, current, reading);
            if (step is null)
            {
                // A small dip is rounding or noise in the meter: the baseline stays where it was.
                continue;
            }

            if (step.Value.Energy > _limits.MaxEnergyKwh(_role, current.At - last.Value.At))
            {
                if (reading.RestatesLast)
                {
                    // The spike candidate restated at a slot boundary: still one reading, so still unconfirmed.
                    continue;
                }

                if (spikeCandidate is { } candidate && Measure(candidate, current, reading) is { } fromCandidate &&
                    fromCandidate.Energy <= _limits.MaxEnergyKwh(_role, current.At - candidate.At))
                {
                    // Two readings agree with each other and not with the baseline: the counter jumped for real.
                    // The energy across the jump is unknown, so those slots stay uncovered; counting resumes from the candidate.
                    Flag(accumulators, SlotGrid.IndexOf(candidate.At), SlotQuality.Spike);
                    Spread(accumulators, candidate.At, current.At, fromCandidate, reading, sawGap);
                    spikeCandidate = null;
                    last = current;
                    sawGap = false;
                    continue;
                }

                spikes++;
                spikeCandidate = current;
                Flag(accumulators, SlotGrid.IndexOf(current.At), SlotQuality.Spike);
                continue;
            }

            if (step.Value.Reset)
            {
                resets++;
            }

            Spread(accumulators, last.Value.At, current.At, step.Value, reading, sawGap);
            spikeCandidate = null;
            last = current;
            sawGap = false;
        }

        if (last is null)
        {
            return new CounterSlots(new Dictionary<long, SlotEnergy>(), null, spikes, resets);
        }

        var completeBefore = SlotGrid.IndexOf(last.Value.At);
        var slots = new Dictionary<long, SlotEnergy>();
        foreach (var (index, accumulator) in accumulators)
        {
            if (index < completeBefore)
            {
                var complete = accumulator.CoveredSeconds >= SlotSeconds - 1e-6;
                slots[index] = new SlotEnergy(complete ? accumulator.Kwh : null, accumulator.Flags);
            }
        }

        return new CounterSlots(slots, NextBaseline(last.Value, accumulators.GetValueOrDefault(completeBefore)), spikes, resets);
    }

    private Accepted Accept(DateTimeOffset at, double value, string? unit)
    {
        // A sensor keeps its unit for months: look the factor up again only when the unit text changes.
        if (!_hasFactor || !string.Equals(unit, _factorUnit, StringComparison.Ordinal))
        {
            _factor = UnitConverter.FactorToCoreUnit(SensorQuantity.Energy, unit, _entityId);
            _factorUnit = unit;
            _hasFactor = true;
        }

        return new Accepted(at, value * _factor, value, unit, _factor);
    }

    /// <summary>The energy from <paramref name="from"/> to <paramref name="to"/>, or null for a dip that is only noise.</summary>
    private static Step? Measure(Accepted from, Accepted to, CounterReading reading)
    {
        if (reading.ChangeKwh is { } change && reading.ChangeSince == from.At)
        {
            return new Step(Math.Max(change, 0), Reset: false, WholePeriod: true);
        }

        // A recorder row whose period starts at the reading before it measured that whole period, whatever its length.
        var wholePeriod = reading.ChangeSince == from.At;
        var delta = to.Kwh - from.Kwh;
        if (delta >= 0)
        {
            return new Step(delta, Reset: false, wholePeriod);
        }

        return to.Kwh < ResetFraction * from.Kwh ? new Step(Math.Max(to.Kwh, 0), Reset: true, WholePeriod: false) : null;
    }

    private void Spread(Dictionary<long, Accumulator> slots, DateTimeOffset from, DateTimeOffset to, Step step, CounterReading reading, bool sawGap)
    {
        var flags = SlotQuality.None;
        var gap = sawGap || (!step.WholePeriod && to - from > _regularInterval);
        if (gap)
        {
            flags |= SlotQuality.Interpolated;
        }

        if (reading.FromRecorder)
        {
            flags |= SlotQuality.Backfilled;
        }

        var energy = step.Energy;
        var total = (to - from).TotalSeconds;
        var first = SlotGrid.IndexOf(from);
        var last = SlotGrid.IndexOf(to.AddTicks(-1));
        for (var index = first; index <= last; index++)
        {
            var start = SlotGrid.StartOf(index);
            var end = start + SlotGrid.SlotLength;
            var overlap = ((to < end ? to : end) - (from > start ? from : start)).TotalSeconds;
            if (overlap <= 0)
            {
                continue;
            }

            var accumulator = Get(slots, index);
            accumulator.Kwh += energy * overlap / total;
            accumulator.CoveredSeconds += overlap;
            accumulator.Flags |= flags;
        }

        if (step.Reset)
        {
            // The reset happened somewhere in the interval; the slot the new reading closes carries the mark.
            Flag(slots, last, SlotQuality.CounterReset);
        }
    }

    private static void Flag(Dictionary<long, Accumulator> slots, long index, SlotQuality flag) => Get(slots, index).Flags |= flag;

    private static Accumulator Get(Dictionary<long, Accumulator> slots, long index)
    {
        if (!slots.TryGetValue(index, out var accumulator))
        {
            accumulator = new Accumulator();
            slots[index] = accumulator;
        }

        return accumulator;
    }

    /// <summary>
    /// The counter as it stood at the start of the last reading's slot: the last reading less the energy already
    /// spread into that slot. The next run starts there and re-reads what came after, so the open slot is counted once.
    /// </summary>
    private static CounterBaseline NextBaseline(Accepted last, Accumulator? openSlot)
    {
        var spreadIntoOpenSlot = openSlot?.Kwh ?? 0;
        return new CounterBaseline(SlotGrid.Floor(last.At), last.Value - (spreadIntoOpenSlot / last.Factor), last.Unit);
    }

    /// <param name="WholePeriod">The energy is a recorder row's own period (its change, or its state difference when that period began at the reading before), not a gap spread.</param>
    private readonly record struct Step(double Energy, bool Reset, bool WholePeriod);

    /// <param name="Factor">kWh per unit of the reading.</param>
    private readonly record struct Accepted(DateTimeOffset At, double Kwh, double Value, string? Unit, double Factor);

    private sealed class Accumulator
    {
        public double Kwh { get; set; }

        public double CoveredSeconds { get; set; }

        public SlotQuality Flags { get; set; }
    }
}
