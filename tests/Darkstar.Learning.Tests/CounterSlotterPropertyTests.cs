using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Learning.Etl;

namespace Darkstar.Learning.Tests;

public sealed class CounterSlotterPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly EnergyLimits Limits = new() { LimitKw = new Dictionary<SensorRole, double> { [SensorRole.TotalGridImport] = 11 } };
    private static readonly string[] Units = ["Wh", "kWh", "MWh"];

    /// <summary>A counter's life: readings as a sensor reports them, and the energy that really flowed.</summary>
    private sealed record Scenario(List<CounterReading> Readings, double TrueKwh, DateTimeOffset End, int Resets, int Gaps);

    private static Scenario Generate(int seed)
    {
        var random = new Random(seed);
        var readings = new List<CounterReading>();
        var counter = 1000 + (random.NextDouble() * 5000);
        var unit = "kWh";
        var trueKwh = 0.0;
        var resets = 0;
        var gaps = 0;
        var at = Start;
        var end = Start.AddHours(6 + random.Next(48));
        readings.Add(new CounterReading(at, Convert(counter, unit), unit));
        while (at < end)
        {
            // Readings come every 1 to 20 minutes; sometimes the sensor is away for hours.
            var step = TimeSpan.FromMinutes(random.Next(1, 21));
            if (random.NextDouble() < 0.05)
            {
                step = TimeSpan.FromMinutes(random.Next(60, 600));
                gaps++;
                readings.Add(CounterReading.Gap(at + (step / 2)));
            }

            step = at + step > end ? end - at : step;
            at += step;
            var kw = random.NextDouble() * 8;
            var energy = kw * step.TotalHours;
            trueKwh += energy;
            if (random.NextDouble() < 0.03 && energy < 0.9 * counter)
            {
                // The meter restarts from zero just after the last reading.
                counter = energy;
                resets++;
            }
            else
            {
                counter += energy;
            }

            if (random.NextDouble() < 0.05)
            {
                unit = Units[random.Next(Units.Length)];
            }

            readings.Add(new CounterReading(at, Convert(counter, unit), unit));
        }

        return new Scenario(readings, trueKwh, end, resets, gaps);
    }

    private static double Convert(double kwh, string unit) => unit switch
    {
        "Wh" => kwh * 1000,
        "MWh" => kwh / 1000,
        _ => kwh,
    };

    private static CounterSlotter Slotter() => new(SensorRole.TotalGridImport, "sensor.grid_import", Limits, SlotGrid.SlotLength);

    [Fact]
    public void Run_RandomCountersWithResetsGapsAndUnitSwitches_ConservesEnergy()
    {
        var checkedResets = 0;
        for (var seed = 1; seed <= 300; seed++)
        {
            var scenario = Generate(seed);
            var result = Slotter().Run(null, scenario.Readings);
            // Every slot up to the last reading's slot is complete; the open slot holds what remains after the baseline.
            var total = result.Slots.Values.Sum(s => s.Kwh ?? 0);
            var open = TailEnergy(scenario, result);
            Assert.True(Math.Abs(total + open - scenario.TrueKwh) < 1e-6 * Math.Max(1, scenario.TrueKwh), $"seed {seed}: {total} + {open} != {scenario.TrueKwh}");
            Assert.All(result.Slots.Values, s => Assert.True(s.Kwh is null or >= 0, $"seed {seed}: negative slot energy"));
            Assert.Equal(scenario.Resets, result.ResetCount);
            Assert.True(result.SpikeCount == 0, $"seed {seed}: {result.SpikeCount} spikes; " + string.Join(' ', scenario.Readings.Select(r => $"{r.At:HH:mm}={r.Value}{r.Unit}")));
            checkedResets += scenario.Resets;
        }

        Assert.True(checkedResets > 10, "the generator should produce resets");
    }

    [Fact]
    public void Run_ResumedFromBaselineAtRandomSplits_CountsEveryKwhOnce()
    {
        for (var seed = 1000; seed < 1200; seed++)
        {
            var scenario = Generate(seed);
            var random = new Random(seed);
            var split = random.Next(1, scenario.Readings.Count);
            var first = Slotter().Run(null, scenario.Readings.Take(split));
            // The next run gets everything after the stored baseline again, as the recorder and the backfill supply it.
            var second = Slotter().Run(first.NextBaseline, scenario.Readings);
            Assert.DoesNotContain(first.Slots.Keys, k => first.Slots[k].Kwh is not null && second.Slots.TryGetValue(k, out var again) && again.Kwh is not null);
            var whole = Slotter().Run(null, scenario.Readings);
            var total = first.Slots.Values.Sum(s => s.Kwh ?? 0) + second.Slots.Values.Sum(s => s.Kwh ?? 0);
            Assert.True(Math.Abs(total - whole.Slots.Values.Sum(s => s.Kwh ?? 0)) < 1e-6 * Math.Max(1, scenario.TrueKwh), $"seed {seed}");
        }
    }

    [Fact]
    public void Run_GapOfUnavailableReadings_SpreadsEnergyInProportionToTimeAndFlagsIt()
    {
        var readings = new List<CounterReading>
        {
            new(Start, 100, "kWh"),
            new(Start.AddMinutes(15), 100.5, "kWh"),
            CounterReading.Gap(Start.AddMinutes(20)),
            new(Start.AddMinutes(75), 102.5, "kWh"),
        };
        var result = Slotter().Run(null, readings);
        Assert.Equal(0.5, result.Slots[SlotGrid.IndexOf(Start)].Kwh!.Value, 9);
        Assert.Equal(SlotQuality.None, result.Slots[SlotGrid.IndexOf(Start)].Flags);
        for (var i = 1; i <= 4; i++)
        {
            var slot = result.Slots[SlotGrid.IndexOf(Start.AddMinutes(15 * i))];
            Assert.Equal(0.5, slot.Kwh!.Value, 9);
            Assert.True(slot.Flags.HasFlag(SlotQuality.Interpolated));
        }
    }

    [Fact]
    public void Run_JumpAboveThePhysicalLimit_IsFlaggedSpikeAndNotAccepted()
    {
        var readings = new List<CounterReading>
        {
            new(Start, 100, "kWh"),
            new(Start.AddMinutes(15), 100.5, "kWh"),
            new(Start.AddMinutes(30), 90000, "kWh"),
            new(Start.AddMinutes(45), 101.5, "kWh"),
            new(Start.AddMinutes(60), 102, "kWh"),
        };
        var result = Slotter().Run(null, readings);
        Assert.Equal(2.0, result.Slots.Values.Sum(s => s.Kwh ?? 0), 9);
        Assert.Equal(1, result.SpikeCount);
        Assert.True(result.Slots[SlotGrid.IndexOf(Start.AddMinutes(30))].Flags.HasFlag(SlotQuality.Spike));
    }

    [Fact]
    public void Run_SpikeRestatedAtTheSlotBoundary_StaysRejected()
    {
        // The live recorder restates the last state at each boundary; that copy of a spike is no second reading.
        var readings = new List<CounterReading>
        {
            new(Start, 100, "kWh"),
            new(Start.AddMinutes(15), 100.5, "kWh"),
            new(Start.AddMinutes(20), 90000, "kWh"),
            new(Start.AddMinutes(30), 90000, "kWh") { RestatesLast = true },
            new(Start.AddMinutes(40), 101.5, "kWh"),
            new(Start.AddMinutes(45), 101.5, "kWh") { RestatesLast = true },
        };

        var result = Slotter().Run(null, readings);

        Assert.Equal(1.5, result.Slots.Values.Sum(s => s.Kwh ?? 0), 9);
        Assert.Equal(1, result.SpikeCount);
        Assert.Equal(Start.AddMinutes(45), result.NextBaseline!.At);
    }

    [Fact]
    public void Run_CounterDropsToZero_StartsNewBaselineWithoutNegativeEnergy()
    {
        var readings = new List<CounterReading>
        {
            new(Start, 500, "kWh"),
            new(Start.AddMinutes(15), 501, "kWh"),
            new(Start.AddMinutes(30), 0.25, "kWh"),
            new(Start.AddMinutes(45), 0.75, "kWh"),
        };
        var result = Slotter().Run(null, readings);
        Assert.Equal([1.0, 0.25, 0.5], result.Slots.OrderBy(s => s.Key).Select(s => Math.Round(s.Value.Kwh!.Value, 9)));
        Assert.True(result.Slots[SlotGrid.IndexOf(Start.AddMinutes(15))].Flags.HasFlag(SlotQuality.CounterReset));
    }

    [Fact]
    public void Run_UnitSwitchFromKwhToWh_IsConvertedNotAJump()
    {
        var readings = new List<CounterReading>
        {
            new(Start, 10, "kWh"),
            new(Start.AddMinutes(15), 10.5, "kWh"),
            new(Start.AddMinutes(30), 11000, "Wh"),
        };
        var result = Slotter().Run(null, readings);
        Assert.Equal([0.5, 0.5], result.Slots.OrderBy(s => s.Key).Select(s => Math.Round(s.Value.Kwh!.Value, 9)));
        Assert.Equal(new CounterBaseline(Start.AddMinutes(30), 11000, "Wh"), result.NextBaseline);
    }

    /// <summary>The energy after the last complete slot: counted by the next run from the stored baseline.</summary>
    private static double TailEnergy(Scenario scenario, CounterSlots result)
    {
        var last = scenario.Readings.Last(r => r.Value is not null);
        var lastKwh = last.Value!.Value * (last.Unit switch { "Wh" => 0.001, "MWh" => 1000, _ => 1 });
        var baseline = result.NextBaseline!;
        var baselineKwh = baseline.Value * (baseline.Unit switch { "Wh" => 0.001, "MWh" => 1000, _ => 1 });
        return lastKwh - baselineKwh;
    }
}
