using System.Globalization;
using System.Net;
using System.Text.Json;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.Forecasting.Runtime;
using Darkstar.Learning.Recording;
using Darkstar.Mqtt;
using Darkstar.Planning.Kepler;
using Darkstar.Service;
using Darkstar.Simulation.Home;
using Darkstar.Simulation.Sources;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;

namespace Darkstar.ServiceTests;

[Collection(ServiceTestGroup.Name)]
public sealed class ServeTests
{
    /// <summary>A simulated day at this speed takes about a minute and a half.</summary>
    private const double Speed = 1000;

    /// <summary>No test may hang CI: every run is cut off after this much real time.</summary>
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task SimulatedDay_ObservesEverySlot_PlansEveryInterval_CommandsWithinLimits_CostsLessThanNoBattery()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(Speed, null, limit.Token);
        var service = rig.Service;

        await rig.RunForAsync(TimeSpan.FromHours(2), limit.Token);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var response = await http.GetAsync(service.HealthUri, limit.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(limit.Token));
            Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
            foreach (var loop in new[] { RecorderWatch.LoopName, ForecastLoop.LoopName, PlannerLoop.LoopName, ExecutorService.LoopName })
            {
                Assert.Equal(JsonValueKind.String, health.RootElement.GetProperty("loops").GetProperty(loop).GetProperty("last_success").ValueKind);
            }
        }

        await rig.RunForAsync(TimeSpan.FromDays(1), limit.Token);
        var summary = await service.StopAsync(limit.Token);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(summary.SlotsExpected, summary.SlotsObserved);
        var day = SlotRange.Between(SlotGrid.Ceiling(service.Started), SlotGrid.Ceiling(service.Started) + TimeSpan.FromHours(summary.SimulatedHours - 0.5));
        AssertSubMetersRecorded(service, await new SlotObservationRepository(service.Get<DarkstarDatabase>()).ReadRangeAsync(day, limit.Token));
        // Re-planned every 15 minutes: a plan for (nearly) every slot, more when prices or the SoC called for one.
        Assert.InRange(summary.Plans, 90, 400);
        Assert.True(summary.Commands > 0, "no command reached the simulated inverter");
        Assert.Equal(0, summary.FailedCommands);
        Assert.True(summary.RealizedCost < summary.NoBatteryCost, $"realised {summary.RealizedCost:0.00} is not below no battery {summary.NoBatteryCost:0.00}");
        AssertWithinLimits(service.CommandsReceived(), rig.Options);
        await AssertBatteryFollowsPlanAsync(service, summary);
    }

    /// <summary>Two simulated days at a moderate speed: a plan in every single interval.</summary>
    private const double LongRunSpeed = 1000;

    /// <summary>A simulated week in about two and a half minutes (7 × 86,400 s / 4000 = 151 s, plus the start).</summary>
    private const double WeekSpeed = 4000;

    [Fact]
    public Task SimulatedWeek_HighSpeed_NoErrorsEverySlotAPlanEveryIntervalBatteryFollowsPlan_CostsLessThanNoBattery() =>
        // At 4000× a re-plan interval is 225 ms of real time: a plan is missed only when the process gets no CPU for about
        // that long, which a shared two-core CI runner can do now and then (at real speed the same hiccup is nothing).
        // Before the fixes, 182 of 672 intervals had no plan; 1% (6 intervals) is the allowance for such hiccups.
        RunLongAsync(WeekSpeed, days: 7, allowedMissingShare: 0.01);

    [Fact]
    public Task SimulatedTwoDays_NoErrorsEverySlotAPlanEveryIntervalCommandsWithinLimits_CostsLessThanNoBattery() =>
        RunLongAsync(LongRunSpeed, days: 2, allowedMissingShare: 0);

    /// <summary>
    /// <paramref name="days"/> simulated days within three and a half minutes of real time: no errors, every slot observed,
    /// a plan in every re-plan interval (but for <paramref name="allowedMissingShare"/>), commands carried out within the
    /// limits, the battery following the plan, and a realised cost below the home's without the battery.
    /// </summary>
    private static async Task RunLongAsync(double speed, int days, double allowedMissingShare)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var realStart = TimeProvider.System.GetTimestamp();
        await using var rig = await ServiceRig.StartAsync(speed, null, limit.Token);
        var service = rig.Service;

        await rig.RunForAsync(TimeSpan.FromDays(days), limit.Token);
        var summary = await service.StopAsync(limit.Token);
        var real = TimeProvider.System.GetElapsedTime(realStart);

        Assert.True(real < TimeSpan.FromMinutes(3.5), $"{days} simulated days took {real.TotalSeconds:0} s");
        Assert.Equal(0, summary.Errors);
        Assert.InRange(summary.SlotsExpected, (days * 96) - 1, days * 96);
        Assert.Equal(summary.SlotsExpected, summary.SlotsObserved);
        await AssertPlanEveryIntervalAsync(service, rig.PlanTimings, rig.Options.Planner.ReplanMinutes, allowedMissingShare);
        Assert.True(summary.Commands > 0, "no command reached the simulated inverter");
        Assert.Equal(0, summary.FailedCommands);
        Assert.True(summary.RealizedCost < summary.NoBatteryCost, $"realised {summary.RealizedCost:0.00} is not below no battery {summary.NoBatteryCost:0.00}");
        AssertWithinLimits(service.CommandsReceived(), rig.Options);
        await AssertBatteryFollowsPlanAsync(service, summary);
    }

    [Fact]
    public async Task Faults_HomeAssistantDropBrokerRestartUnavailableSensorLatePrices_DegradedWithReasonRecoversLosesNothing()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(Speed, null, limit.Token);
        var service = rig.Service;
        var board = service.Get<StatusBoard>();
        var reasons = new List<string>();
        void Note()
        {
            if (board.Current() is { Status: not DarkstarStatus.Ok, Reason: { } reason })
            {
                reasons.Add(reason);
            }
        }

        Task WatchUntilAsync(TimeSpan at) => Eventually.ReachesAsync(
            () =>
            {
                Note();
                return service.Home.Clock.GetUtcNow();
            },
            now => now >= service.Started + at,
            $"the simulated clock {at} after the start",
            cancellationToken: limit.Token);

        // Tomorrow's prices stay out until 17:00 local; from 14:00 their absence is late.
        service.Home.Faults.WithholdTomorrowPrices(true);
        await WatchUntilAsync(TimeSpan.FromHours(1));

        // Home Assistant's socket drops and stays refused for half an hour.
        service.Home.Faults.RefuseWebSockets = true;
        service.Home.Faults.DropWebSockets();
        await WatchUntilAsync(TimeSpan.FromHours(1.5));
        service.Home.Faults.RefuseWebSockets = false;
        await WatchUntilAsync(TimeSpan.FromHours(3));
        Assert.Contains(reasons, r => r.Contains("Home Assistant", StringComparison.Ordinal));

        // The broker goes away for a moment and comes back on the same port.
        var connection = service.Get<MqttConnection>();
        var connects = connection.ConnectCount;
        Assert.True(connection.IsConnected, "not connected to the broker before its restart");
        await service.RestartBrokerAsync(TimeSpan.FromSeconds(1), limit.Token);
        Assert.NotNull(service.Broker);
        await WatchUntilAsync(TimeSpan.FromHours(4));

        // A counter is unavailable for an hour.
        service.Home.Faults.MakeUnavailable(EntityIds.LoadEnergy);
        await WatchUntilAsync(TimeSpan.FromHours(5));
        service.Home.Faults.MakeAvailable(EntityIds.LoadEnergy);
        await WatchUntilAsync(TimeSpan.FromHours(9));
        Assert.Contains(reasons, r => r.Contains("tomorrow's prices", StringComparison.Ordinal));

        service.Home.Faults.WithholdTomorrowPrices(false);
        await WatchUntilAsync(TimeSpan.FromHours(11));
        Assert.True(connection.IsConnected, "the service did not reconnect to the restarted broker");
        Assert.True(connection.ConnectCount > connects, $"connected {connection.ConnectCount} times, as before the restart");

        var (status, reason) = board.Current();
        Assert.True(status == DarkstarStatus.Ok, $"still {status}: {reason}");

        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(summary.SlotsExpected, summary.SlotsObserved);
        AssertWithinLimits(service.CommandsReceived(), rig.Options);
    }

    [Fact]
    public async Task FirstStart_EmptyDatabase_ReadsTheTrainingDaysOfThePastAndTrainsAuroraAtOnce()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(
            Speed, o => o with { Forecasting = o.Forecasting with { TrainingDays = 21 } }, solver: null, limit.Token, historyDays: 22, backfillBeforeStart: false);
        var service = rig.Service;
        var store = service.Get<AuroraModelStore>();

        await Eventually.HoldsAsync(async ct => await store.ReadCurrentRunAsync(ct) is not null, "Aurora trained at start", TimeSpan.FromMinutes(2), limit.Token);

        var run = await store.ReadCurrentRunAsync(limit.Token);
        Assert.Equal("aurora_v1", run!.Version);
        var past = SlotRange.Between(SlotGrid.Floor(service.Started) - TimeSpan.FromDays(21), SlotGrid.Floor(service.Started));
        var observed = await new SlotObservationRepository(service.Get<DarkstarDatabase>()).ReadRangeAsync(past, limit.Token);
        // Every slot from 21 days before the recorder's start (the clock ran on, at 1000×, while the service started),
        // without a hole; the first has no reading before it to count its energy from.
        Assert.InRange(observed[0].SlotStart, past.Start, past.Start + TimeSpan.FromHours(3));
        Assert.Equal(SlotRange.Between(observed[0].SlotStart, past.End).Count, observed.Count);
        Assert.True(observed.Count(o => o.LoadKwh is not null) >= observed.Count - 1, $"{observed.Count(o => o.LoadKwh is null)} slots without load");
        AssertSubMetersRecorded(service, observed);
        Assert.True(observed.Sum(o => o.EvKwh ?? 0) > 10, "in three weeks the simulated car charged");
        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public async Task ShadowMode_PlansButSendsNoCommand()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(Speed, o => o with { Executor = o.Executor with { ShadowMode = true } }, limit.Token);
        await rig.RunForAsync(TimeSpan.FromHours(3), limit.Token);
        var summary = await rig.Service.StopAsync(limit.Token);

        Assert.True(summary.Plans > 0);
        Assert.Empty(rig.Service.CommandsReceived());
        Assert.Equal(0, summary.Errors);
        Assert.True(rig.Service.Get<StatusBoard>().Executor?.Shadow);
    }

    /// <summary>Slow enough that a re-plan interval (15 simulated minutes) lasts nine seconds of real time.</summary>
    private const double ButtonSpeed = 100;

    /// <summary>The reason the service gives the planner when the re-plan button is pressed.</summary>
    private const string ButtonReason = "re-plan button";

    [Fact]
    public async Task ReplanButton_PlansAtOnce_AndSwitchesReachTheExecutor()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        await using var rig = await ServiceRig.StartAsync(ButtonSpeed, null, limit.Token);
        var service = rig.Service;
        var controls = service.Get<ControlStore>();
        var replanMinutes = rig.Options.Planner.ReplanMinutes;
        // Pressed five minutes after the second re-plan boundary: clear of the plans the start asks for (the first prices
        // read is one), and ten minutes before the next scheduled plan is due.
        var boundary = PlannerLoop.NextReplan(PlannerLoop.NextReplan(service.Started, replanMinutes), replanMinutes);
        await service.RunUntilAsync(boundary + TimeSpan.FromMinutes(5), limit.Token);
        // To the second, as a plan's start is stamped.
        var pressed = InstantText.Truncate(service.Home.Clock.GetUtcNow());
        var scheduled = PlannerLoop.NextReplan(pressed, replanMinutes);

        service.Get<ServiceTriggers>().Press(DarkstarButton.Replan);
        var plans = await Eventually.ReachesAsync(
            rig.PlanTimings.Plans, made => made.Any(p => p.Reason == ButtonReason), "a plan made for the re-plan button", cancellationToken: limit.Token);

        // Made because of the button (its trigger) and at once: begun after the press, before the schedule's next plan was due.
        var button = plans.First(p => p.Reason == ButtonReason);
        Assert.True(
            button.Started >= pressed && button.Started < scheduled,
            $"the button's plan began at {InstantText.Format(button.Started)}, pressed at {InstantText.Format(pressed)}, next scheduled {InstantText.Format(scheduled)}");

        await controls.SetAsync(ControlCatalogue.ShadowMode, ControlCatalogue.On, limit.Token);
        await controls.SetAsync(ControlCatalogue.ManualOverride, "hold", limit.Token);
        var settings = service.Get<IExecutorSettingsSource>().Current;
        Assert.True(settings.ShadowMode);
        Assert.Equal(ManualOverride.Hold, settings.Override);
        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public void NextReplan_IsOnTheIntervalGrid()
    {
        var at = new DateTimeOffset(2026, 6, 10, 6, 7, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 6, 10, 6, 15, 0, TimeSpan.Zero), PlannerLoop.NextReplan(at, 15));
        Assert.Equal(new DateTimeOffset(2026, 6, 10, 7, 0, 0, TimeSpan.Zero), PlannerLoop.NextReplan(at, 60));
        Assert.Equal(new DateTimeOffset(2026, 6, 10, 7, 0, 0, TimeSpan.Zero), PlannerLoop.NextReplan(new DateTimeOffset(2026, 6, 10, 6, 0, 0, TimeSpan.Zero), 60));
    }

    /// <summary>
    /// A plan made in every re-plan interval of the run (after the first). An interval a plan begun before it was still
    /// running through is not skipped: the loop plans at once after such a plan, by design; a slow solve now and then
    /// (on the accelerated clock an interval is under a second, which a busy two-core machine can take) is allowed for,
    /// but not as a rule. Of the others, no more than <paramref name="allowedMissingShare"/> may lack a plan.
    /// </summary>
    private static async Task AssertPlanEveryIntervalAsync(SimulatedService service, PlanTimings timings, int replanMinutes, double allowedMissingShare)
    {
        var plans = new PlanRepository(service.Get<DarkstarDatabase>());
        var latest = await plans.ReadLatestAsync(CancellationToken.None);
        Assert.NotNull(latest);
        var made = new HashSet<DateTimeOffset>();
        var interval = TimeSpan.FromMinutes(replanMinutes);
        for (var id = 1L; id <= latest.Id; id++)
        {
            if (await plans.ReadAsync(id, CancellationToken.None) is { } plan)
            {
                made.Add(new DateTimeOffset(plan.CreatedAt.UtcTicks - (plan.CreatedAt.UtcTicks % interval.Ticks), TimeSpan.Zero));
            }
        }

        var timed = timings.Plans();
        var missing = new List<DateTimeOffset>();
        var overrun = new List<string>();
        var intervals = 0;
        for (var at = PlannerLoop.NextReplan(service.Started, replanMinutes); at + interval <= latest.CreatedAt; at += interval)
        {
            intervals++;
            if (made.Contains(at))
            {
                continue;
            }

            // Still running at the interval's last minute: the plan that follows at once may begin just after its end.
            var running = timed.FirstOrDefault(p => p.Started < at && p.Finished >= at + interval - TimeSpan.FromMinutes(1));
            if (running != default)
            {
                overrun.Add($"{InstantText.Format(at)} (a {running.Reason} plan ran from {InstantText.Format(running.Started)} to {InstantText.Format(running.Finished)})");
            }
            else
            {
                missing.Add(at);
            }
        }

        Assert.True(
            missing.Count <= intervals * allowedMissingShare,
            $"no plan in {missing.Count} of {intervals} intervals: {string.Join(", ", missing.Take(10).Select(InstantText.Format))}");
        Assert.True(overrun.Count <= intervals * 0.02, $"plans overran {overrun.Count} of {intervals} intervals: {string.Join(", ", overrun.Take(10))}");
    }

    /// <summary>Every SoC target within the SoC limits; every power limit within the battery's.</summary>
    private static void AssertWithinLimits(IReadOnlyList<ReceivedServiceCall> calls, Core.Options.DarkstarOptions options)
    {
        foreach (var call in calls.Where(c => c.Service == "set_value"))
        {
            using var data = JsonDocument.Parse(call.ServiceData);
            var value = data.RootElement.GetProperty("value");
            var number = value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString()!, CultureInfo.InvariantCulture);
            if (call.EntityIds.Contains(options.Executor.SocTargetEntity))
            {
                Assert.InRange(number, options.Battery.MinSocPercent, options.Battery.MaxSocPercent);
            }
            else if (call.EntityIds.Contains(options.Executor.MaxChargePowerEntity))
            {
                Assert.InRange(number, 0, options.Battery.MaxChargeKw * 1000);
            }
            else if (call.EntityIds.Contains(options.Executor.MaxDischargePowerEntity))
            {
                Assert.InRange(number, 0, options.Battery.MaxDischargeKw * 1000);
            }
        }
    }

    /// <summary>
    /// The measured SoC at each slot's end against the SoC the plan in force at the slot's start wanted: within 15
    /// points in nine slots of ten (forecasts miss, so the battery cannot match the plan to the tenth of a percent).
    /// </summary>
    /// <summary>
    /// The heat pump's and the car's own meters were recorded in (nearly) every slot, inside the load, and add up to
    /// what the simulated home drew through them.
    /// </summary>
    private static void AssertSubMetersRecorded(SimulatedService service, IReadOnlyList<SlotObservation> observed)
    {
        var whole = observed.Where(o => o.LoadKwh is not null && o.HeatPumpKwh is not null && o.EvKwh is not null).ToList();
        var without = observed.Where(o => o.HeatPumpKwh is null || o.EvKwh is null).ToList();
        Assert.True(
            without.Count <= 1,
            $"{without.Count} of {observed.Count} slots without a sub-meter, from {without.FirstOrDefault()?.SlotStart:O} to {without.LastOrDefault()?.SlotStart:O}: " +
            string.Join("; ", without.Take(5).Select(o => $"{o.SlotStart:O} load {o.LoadKwh} heat pump {o.HeatPumpKwh} car {o.EvKwh} {o.QualityFlags}")));
        Assert.All(whole, o => Assert.True(o.HeatPumpKwh + o.EvKwh <= o.LoadKwh + 0.002, $"{o.SlotStart}: {o.HeatPumpKwh} + {o.EvKwh} > {o.LoadKwh}"));
        double Drawn(Func<HomeSample, double> part) => whole.Sum(o =>
            Enumerable.Range(0, 15).Sum(m => part(service.Home.Source.Sample(o.SlotStart.AddMinutes(m), TimeSpan.FromMinutes(1))) / 60));
        var heatPump = Drawn(s => s.HeatPumpKw);
        var car = Drawn(s => s.EvChargerKw);
        Assert.True(heatPump > 0.5, $"the heat pump drew only {heatPump:0.00} kWh");
        Assert.Equal(heatPump, whole.Sum(o => o.HeatPumpKwh!.Value), (heatPump * 0.02) + 0.05);
        Assert.Equal(car, whole.Sum(o => o.EvKwh!.Value), (car * 0.02) + 0.05);
    }

    /// <summary>How long after a slot's start its plan may be made: planning takes a few simulated seconds at speed.</summary>
    private static readonly TimeSpan PlanGrace = TimeSpan.FromMinutes(1);

    private static async Task AssertBatteryFollowsPlanAsync(SimulatedService service, SimulatedRunSummary summary)
    {
        var database = service.Get<DarkstarDatabase>();
        var plans = new PlanRepository(database);
        var latest = await plans.ReadLatestAsync(CancellationToken.None);
        Assert.NotNull(latest);
        var inForce = new List<(DateTimeOffset CreatedAt, IReadOnlyList<SlotPlan> Slots)>();
        for (var id = 1L; id <= latest.Id; id++)
        {
            if (await plans.ReadAsync(id, CancellationToken.None) is { } plan)
            {
                inForce.Add((plan.CreatedAt, await plans.ReadSlotsAsync(id, CancellationToken.None)));
            }
        }

        var range = SlotRange.Between(SlotGrid.Ceiling(service.Started), SlotGrid.Ceiling(service.Started) + TimeSpan.FromHours(summary.SimulatedHours - 0.5));
        var observed = await new SlotObservationRepository(database).ReadRangeAsync(range, CancellationToken.None);
        var compared = 0;
        var close = 0;
        var misses = new List<string>();
        foreach (var slot in observed.Where(o => o.SocEndPercent is not null))
        {
            // The car's sessions are not in the forecast (they are not known a day ahead): in those slots the battery
            // covers the car, as self-consumption should, and leaves the plan's SoC behind.
            if (slot.EvKwh > 0.05)
            {
                continue;
            }

            // The plan that governs a slot is the one made at its start, which is done a few simulated seconds later.
            var plan = inForce.LastOrDefault(p => p.CreatedAt <= slot.SlotStart + PlanGrace);
            var planned = plan.Slots?.FirstOrDefault(s => s.SlotStart == slot.SlotStart);
            if (planned is null)
            {
                continue;
            }

            compared++;
            if (Math.Abs(planned.SocEndPercent - slot.SocEndPercent!.Value) <= 15)
            {
                close++;
            }
            else
            {
                misses.Add(FormattableString.Invariant(
                    $"{slot.SlotStart:HH:mm} (plan of {plan.CreatedAt:HH:mm:ss}): planned {planned.SocEndPercent:0} %, reached {slot.SocEndPercent:0} %"));
            }
        }

        Assert.True(compared > 70, $"only {compared} slots had a plan to compare with");
        Assert.True(close >= compared * 0.9, $"the SoC was within 15 points of the plan in only {close} of {compared} slots: {string.Join("; ", misses)}");
    }
}
