using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Planning.Tests;

public sealed class AntaresEnvironmentTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly BatterySpec Battery = new(10, 10, 100, 5, 5, 0.9, 0.01);
    private static readonly GridSpec Grid = new(11, 11, ExportAllowed: true);

    /// <summary>The first day after 8 days of history: 2026-05-09.</summary>
    private static readonly DateOnly Day = new(2026, 5, 9);

    /// <summary>Days of synthetic load, PV and prices from 2026-05-01, each a little different, with 2 days after <see cref="Day"/> and the day after.</summary>
    private static ActualSeries Series(int seed = 3)
    {
        var random = new Random(seed);
        var start = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 1), Zone));
        var range = new SlotRange(start, 13 * 96);
        var day = SyntheticProblem.Create(96, seed);
        double?[] Of(IReadOnlyList<double> values, double noise) =>
            [.. Enumerable.Range(0, range.Count).Select(i => (double?)(values[i % 96] * (1 + (noise * (random.NextDouble() - 0.5)))))];
        return new ActualSeries(range, Of(day.LoadKwh, 0.4), Of(day.PvKwh, 0.4), Of(day.ImportPrice, 0.2), Of(day.ExportPrice, 0.2));
    }

    private static AntaresAction? Mixed(int t) => (t % 5) switch
    {
        0 => null,
        1 => new AntaresAction(3, 0, 0),
        2 => new AntaresAction(0, 2, 1),
        3 => new AntaresAction(0.5, 0.2, 0),
        _ => new AntaresAction(0, 0, 0),
    };

    [Fact]
    public void Step_SameDayAndActionsTwice_EveryRewardAndStateIsTheSameToTheBit()
    {
        var runs = new List<(List<long> Rewards, List<long> States)>();
        for (var run = 0; run < 2; run++)
        {
            var env = new AntaresEnvironment(Series(), Battery, Grid, Zone);
            var state = env.Reset(Day);
            var rewards = new List<long>();
            var states = new List<long>(state.Select(BitConverter.DoubleToInt64Bits));
            AntaresStep step;
            var t = 0;
            do
            {
                step = env.Step(Mixed(t++));
                rewards.Add(BitConverter.DoubleToInt64Bits(step.Reward));
                states.AddRange(step.State.Select(BitConverter.DoubleToInt64Bits));
            }
            while (!step.Done);

            Assert.Equal(96, t);
            runs.Add((rewards, states));
        }

        Assert.Equal(runs[0].Rewards, runs[1].Rewards);
        Assert.Equal(runs[0].States, runs[1].States);
    }

    [Fact]
    public void Step_NullActions_FollowTheMpcReplanningHourlyAndTheRewardIsTheCostModelsNegative()
    {
        var env = new AntaresEnvironment(Series(), Battery, Grid, Zone);
        env.Reset(Day);
        var steps = new List<AntaresStep>();
        do
        {
            steps.Add(env.Step(null));
        }
        while (!steps[^1].Done);

        Assert.Equal(24, env.Solves);
        Assert.All(steps, s => Assert.True(s.Info.FollowedPlan));
        Assert.Contains(steps, s => s.Info.Applied.ChargeKwh > 0 || s.Info.Applied.DischargeKwh > 0);
        foreach (var s in steps)
        {
            Assert.Equal(-(s.Info.ImportCost - s.Info.ExportRevenue + s.Info.Wear) + s.Info.TerminalCredit, s.Reward, 12);
            Assert.Equal((s.Info.Applied.ChargeKwh + s.Info.Applied.DischargeKwh) * Battery.CycleCostPerKwh, s.Info.Wear, 12);
        }

        Assert.All(steps.SkipLast(1), s => Assert.Equal(0, s.Info.TerminalCredit));
    }

    [Fact]
    public void Reset_ReturnsTheDocumentedStateAtMinimumSoc()
    {
        var env = new AntaresEnvironment(Series(), Battery, Grid, Zone);

        var state = env.Reset(Day);

        Assert.Equal(AntaresState.Size, state.Length);
        Assert.Equal(0, state[AntaresState.Names.ToList().IndexOf("time_of_day_sin")], 9);
        Assert.Equal(0.1, state[AntaresState.Names.ToList().IndexOf("soc_fraction")], 9);
        Assert.Equal(1, state[AntaresState.Names.ToList().IndexOf("day_fraction_left")], 9);
    }

    [Fact]
    public void Step_ActionsBeyondTheLimits_AreClippedAndSaySo()
    {
        var env = new AntaresEnvironment(Series(), Battery, new GridSpec(11, 11, ExportAllowed: false), Zone);
        env.Reset(Day);

        var tooMuch = env.Step(new AntaresAction(4, 0, 0));
        var both = env.Step(new AntaresAction(1, 0.4, 0));
        var export = env.Step(new AntaresAction(0, 0, 2));
        var belowMinimum = env.Step(new AntaresAction(0, 5, 0));
        var negative = env.Step(new AntaresAction(-1, double.NaN, 0));

        Assert.Equal(Battery.MaxChargeKwhPerSlot, tooMuch.Info.Applied.ChargeKwh, 9);
        Assert.Contains("charge above the battery's power", tooMuch.Info.Clipped);
        Assert.Equal(0.6, both.Info.Applied.ChargeKwh, 9);
        Assert.Equal(0, both.Info.Applied.DischargeKwh);
        Assert.Contains("charge and discharge together: netted", both.Info.Clipped);
        Assert.Contains("export not allowed", export.Info.Clipped);
        Assert.NotEmpty(belowMinimum.Info.Clipped);
        Assert.True(belowMinimum.Info.Applied.DischargeKwh <= Battery.MaxDischargeKwhPerSlot + 1e-9);
        Assert.True(belowMinimum.Info.SocEndPercent >= Battery.MinSocPercent - 1e-9);
        Assert.Contains("negative or not a number: taken as 0", negative.Info.Clipped);
        Assert.Empty(env.Step(new AntaresAction(0, 0, 0)).Info.Clipped);
    }

    [Fact]
    public void Step_TheMpcsOwnIntents_CostTheSameAsFollowingThePlan()
    {
        var env = new AntaresEnvironment(Series(), Battery, Grid, Zone);
        env.Reset(Day);
        var followed = new List<AntaresStep>();
        do
        {
            followed.Add(env.Step(null));
        }
        while (!followed[^1].Done);

        // The intent a null action ran, asked again: the executor's one rule gives the same slot to the bit.
        env.Reset(Day);
        var asked = followed.Select(s => env.Step(s.Info.Intent!.Value)).ToList();

        Assert.Equal(followed.Select(s => s.Reward), asked.Select(s => s.Reward));
        Assert.Contains(followed, s => s.Info.Intent!.Value.Mode != SlotMode.SelfConsumption || s.Info.Intent!.Value.FloorSocPercent > Battery.MinSocPercent);
        Assert.All(asked, s => Assert.False(s.Info.FollowedPlan));
        Assert.Equal(0, env.Solves);
    }

    [Fact]
    public void Step_IntentsBeyondTheLimits_AreClippedAndSaySo()
    {
        var env = new AntaresEnvironment(Series(), Battery, Grid, Zone);
        env.Reset(Day);

        var charge = env.Step(new ExecutorIntent(SlotMode.GridCharge, 9, 0, 140, Battery.MinSocPercent));
        var export = env.Step(new ExecutorIntent(SlotMode.Export, 0, 9, -5, Battery.MinSocPercent));
        var negative = env.Step(new ExecutorIntent(SlotMode.GridCharge, -1, double.NaN, 50, Battery.MinSocPercent));

        Assert.Contains("target SoC outside the battery's SoC limits", charge.Info.Clipped);
        Assert.Equal(Battery.MaxChargeKwhPerSlot, charge.Info.Applied.ChargeKwh, 9);
        Assert.Contains("target SoC outside the battery's SoC limits", export.Info.Clipped);
        Assert.True(export.Info.SocEndPercent >= Battery.MinSocPercent - 1e-9);
        Assert.Contains("negative or not a number: taken as 0", negative.Info.Clipped);
        Assert.Equal(0, negative.Info.Applied.ChargeKwh);
    }

    [Fact]
    public void FromClosedLoop_GatesDaysByTheirQuality()
    {
        var actual = Series();
        var period = SlotGrid.LocalDay(Day, Zone);
        var twoDays = new SlotRange(period.FirstIndex, period.Count + SlotGrid.LocalDay(Day.AddDays(1), Zone).Count);
        var result = ClosedLoop.Run(actual, new ClosedLoopSettings
        {
            Battery = Battery,
            Grid = Grid,
            TimeZone = Zone,
            Period = twoDays,
            InitialSocPercent = 10,
            FinalCreditPerKwh = 0.1,
            Forecast = ClosedLoopForecast.Baseline,
            PriceHorizon = PriceAvailability.DayAhead(Zone),
        }, null, CancellationToken.None);
        var at = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var clean = AntaresEpisodes.FromClosedLoop(result, actual, Zone, Battery, Grid, new Dictionary<DateOnly, DayQualityStatus>
        {
            [Day] = DayQualityStatus.Clean,
            [Day.AddDays(1)] = DayQualityStatus.MaskBattery,
        }, at);
        var excluded = AntaresEpisodes.FromClosedLoop(result, actual, Zone, Battery, Grid, new Dictionary<DateOnly, DayQualityStatus>
        {
            [Day] = DayQualityStatus.Exclude,
        }, at);

        Assert.Equal(192, clean.Count);
        Assert.All(clean, e => Assert.Equal(AntaresEpisodes.Simulation, e.SystemId));
        var first = clean.Where(e => e.Day == Day).Select(AntaresEpisodes.Decisions).ToList();
        var masked = clean.Where(e => e.Day == Day.AddDays(1)).Select(AntaresEpisodes.Decisions).ToList();
        Assert.Equal(96, first.Count);
        Assert.All(first, d => Assert.False(d.BatteryMasked));
        Assert.All(first, d => Assert.NotNull(d.ChargeKwh));
        Assert.Equal(96, masked.Count);
        Assert.All(masked, d => Assert.True(d.BatteryMasked));
        Assert.All(masked, d => Assert.Null(d.ChargeKwh));
        Assert.Equal(AntaresState.Size, AntaresEpisodes.Inputs(clean[0]).State.Length);
        Assert.Empty(excluded);
        Assert.Equal(result.MpcSlots.Sum(s => s.Cost) - ((result.Mpc.EndKwh - result.Mpc.StartKwh) * 0.1), result.Mpc.Cost, 6);
    }
}
