using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Learning.Prices;
using Darkstar.Learning.Recording;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Home;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

public sealed class LiveRecorderTests
{
    /// <summary>A bound on every real wait: generous for a loaded 2-core machine, so a bug fails instead of hanging.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private static readonly DateOnly Day = new(2026, 5, 4);

    private static readonly (SensorRole Role, string EntityId)[] Counters =
    [
        (SensorRole.TotalLoadConsumption, EntityIds.LoadEnergy),
        (SensorRole.TotalPvProduction, EntityIds.PvEnergy),
        (SensorRole.TotalGridImport, EntityIds.GridImportEnergy),
        (SensorRole.TotalGridExport, EntityIds.GridExportEnergy),
        (SensorRole.TotalBatteryCharge, EntityIds.BatteryChargeEnergy),
        (SensorRole.TotalBatteryDischarge, EntityIds.BatteryDischargeEnergy),
        (SensorRole.WaterHeaterConsumption, EntityIds.WaterHeaterEnergy),
    ];

    [Fact]
    public async Task ExecuteAsync_ADayWithAnOutageAResetAndAUnitSwitch_SlotsMatchTheHomesCounters()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var dayStart = SlotGrid.StartOfLocalDay(Day, Stockholm);
        await using var home = new SimulatedHome(new SimulatedHomeOptions
        {
            Seed = 3,
            Start = dayStart - TimeSpan.FromMinutes(50),
            ClockMode = SimulationClockMode.Stepped,
        });
        await home.StartAsync(limit.Token);
        var settings = HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token) with
        {
            CommandTimeout = Patience,
            AuthTimeout = Patience,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
            ReconnectJitter = false,
        };
        await using var client = new HomeAssistantWebSocketClient(settings, TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        using var http = new HttpClient { Timeout = Patience };
        var rest = new HomeAssistantRestClient(http, settings, NullLogger<HomeAssistantRestClient>.Instance);
        using var harness = await EtlHarness.CreateAsync(home.Clock.GetUtcNow());
        var options = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!;
        using var etl = harness.Etl(SensorRoles.Mapped(options.InputSensors), options: options);
        var backfill = new StatisticsBackfill(client, rest, etl, home.Clock, NullLogger<StatisticsBackfill>.Instance);
        var prices = new PriceUpdater(client, harness.Prices, options.Pricing, Stockholm, home.Clock, NullLogger<PriceUpdater>.Instance);
        var log = new CollectingLogger<LiveRecorder>();
        using var recorder = new LiveRecorder(
            client, etl, backfill, prices, new LiveRecorderSettings { NordpoolSensor = options.Pricing.NordpoolSensor }, home.Clock, log);
        await recorder.StartAsync(limit.Token);
        await Eventually.ReachesAsync(() => recorder.Status, s => s.RecordingSince is not null && s.PricesUpdatedAt is not null, "the recorder to start", cancellationToken: limit.Token);

        var truth = new Dictionary<DateTimeOffset, Dictionary<string, double>>();
        var soc = new Dictionary<DateTimeOffset, double>();
        var outage = (From: dayStart.AddHours(12), To: dayStart.AddHours(13));
        void Snapshot()
        {
            var now = home.Clock.GetUtcNow();
            truth[now] = Counters.ToDictionary(c => c.EntityId, c => home.Model.MeasuredKwh(c.EntityId), StringComparer.Ordinal);
            soc[now] = home.Model.SocPercent;
        }

        var boundary = SlotGrid.Floor(home.Clock.GetUtcNow()) + SlotGrid.SlotLength;
        await home.AdvanceAsync(boundary - home.Clock.GetUtcNow(), limit.Token);
        Snapshot();
        while (boundary < dayStart.AddDays(1))
        {
            var local = TimeZoneInfo.ConvertTime(boundary, Stockholm).TimeOfDay;
            await home.AdvanceAsync(boundary.AddMinutes(7) - home.Clock.GetUtcNow(), limit.Token);
            if (local == new TimeSpan(5, 0, 0))
            {
                home.Faults.ResetCounter(EntityIds.GridImportEnergy);
            }
            else if (local == new TimeSpan(8, 0, 0))
            {
                home.Faults.SetEnergyUnit(EntityIds.PvEnergy, "Wh");
            }
            else if (local == new TimeSpan(16, 0, 0))
            {
                // A Home Assistant restart: the client reconnects at once and catches up.
                home.Faults.DropWebSockets();
            }
            else if (boundary == outage.From)
            {
                // Home Assistant is down for an hour: the client cannot connect while the home goes on.
                home.Faults.RefuseWebSockets = true;
                home.Faults.DropWebSockets();
                await Eventually.HoldsAsync(() => !client.IsConnected, "the client to notice the drop", cancellationToken: limit.Token);
            }

            boundary += SlotGrid.SlotLength;
            await home.AdvanceAsync(boundary - home.Clock.GetUtcNow(), limit.Token);
            Snapshot();
            if (boundary == outage.To)
            {
                home.Faults.RefuseWebSockets = false;
                await Eventually.HoldsAsync(() => client.IsConnected, "the client to reconnect", cancellationToken: limit.Token);
            }

            // Past the recorder's settle delay: the slot that just ended is closed.
            await home.AdvanceAsync(TimeSpan.FromMinutes(1), limit.Token);
            if (boundary <= outage.From || boundary >= outage.To)
            {
                await WaitRecordedAsync(recorder, log, boundary, limit.Token);
            }
        }

        await recorder.StopAsync(limit.Token);

        Assert.True(recorder.Status.GapsFilled >= 2, $"{recorder.Status.GapsFilled} gaps filled");
        var daySlots = SlotGrid.LocalDay(Day, Stockholm);
        var slots = (await harness.Observations.ReadRangeAsync(daySlots, limit.Token)).ToDictionary(s => s.SlotStart);
        Assert.Equal(daySlots.Count, slots.Count);
        var problems = new List<string>();
        foreach (var (role, entityId) in Counters)
        {
            double learned = 0, actual = 0;
            for (var index = 0; index < daySlots.Count; index++)
            {
                var start = daySlots.Start + (index * SlotGrid.SlotLength);
                var slot = slots[start];
                var value = SlotColumns.Get(slot, role);
                var expected = truth[start + SlotGrid.SlotLength][entityId] - truth[start][entityId];
                learned += value ?? double.NaN;
                actual += expected;
                // Each counter is shown rounded to 1 Wh: a slot's energy is the difference of two rounded readings.
                if (!slot.QualityFlags.HasFlag(SlotQuality.Interpolated) && Math.Abs((value ?? double.NaN) - expected) > (0.01 * expected) + 0.0025)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{role} {InstantText.Format(start)}: {value} kWh, truly {expected:0.0000} ({slot.QualityFlags})"));
                }
            }

            if (!(Math.Abs(learned - actual) <= (0.01 * actual) + 0.01))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{role} day: {learned:0.000} kWh, truly {actual:0.000}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Take(40)));
        Assert.DoesNotContain(slots.Values, s => s.QualityFlags.HasFlag(SlotQuality.Interpolated) || s.QualityFlags.HasFlag(SlotQuality.Missing));
        // The outage came from the statistics; its last slot may also close live, when the statistics of its last
        // five minutes are compiled only after the connection is back.
        Assert.All(
            slots.Values.Where(s => s.SlotStart >= outage.From && s.SlotStart < outage.To - SlotGrid.SlotLength),
            s => Assert.True(s.QualityFlags.HasFlag(SlotQuality.Backfilled), $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}"));
        Assert.Contains(slots.Values, s => s.QualityFlags.HasFlag(SlotQuality.CounterReset));
        Assert.All(slots.Values, s => Assert.InRange(s.SocStartPercent!.Value, soc[s.SlotStart] - 0.1, soc[s.SlotStart] + 0.1));
        Assert.Equal(daySlots.Count, (await harness.Prices.ReadRangeAsync(daySlots, limit.Token)).Count);
        Assert.All(slots.Values, s => Assert.NotNull(s.ImportPrice));
    }

    [Fact]
    public async Task ExecuteAsync_StartedAgainAfterAnHourStopped_FillsTheHourFromStatisticsAndGoesOnLive()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var start = SlotGrid.StartOfLocalDay(Day, Stockholm).AddHours(9).AddMinutes(10);
        await using var rig = await HomeRig.StartAsync(start, TimeSpan.Zero, limit.Token);
        var (home, harness) = (rig.Home, rig.Harness);
        var log = new CollectingLogger<LiveRecorder>();
        LiveRecorder NewRecorder() => rig.NewRecorder(new LiveRecorderSettings(), log);
        var truth = new Dictionary<DateTimeOffset, double>();
        var first = SlotGrid.Floor(start) + SlotGrid.SlotLength;

        async Task RunSlotsAsync(int count, LiveRecorder? recorder)
        {
            for (var i = 0; i < count; i++)
            {
                var boundary = SlotGrid.Floor(home.Clock.GetUtcNow()) + SlotGrid.SlotLength;
                await home.AdvanceAsync(boundary - home.Clock.GetUtcNow(), limit.Token);
                truth[boundary] = home.Model.MeasuredKwh(EntityIds.LoadEnergy);
                await home.AdvanceAsync(TimeSpan.FromMinutes(1), limit.Token);
                if (recorder is not null)
                {
                    await WaitRecordedAsync(recorder, log, boundary, limit.Token);
                }
            }
        }

        using (var before = NewRecorder())
        {
            await before.StartAsync(limit.Token);
            await Eventually.ReachesAsync(() => before.Status, s => s.RecordingSince is not null, "the recorder to start", cancellationToken: limit.Token);
            await RunSlotsAsync(5, before);
            await before.StopAsync(limit.Token);
        }

        var stopped = (From: first.AddHours(1), To: first.AddHours(2));
        await RunSlotsAsync(4, null);
        using var after = NewRecorder();
        await after.StartAsync(limit.Token);
        await WaitRecordedAsync(after, log, stopped.To, limit.Token);
        await RunSlotsAsync(2, after);
        await after.StopAsync(limit.Token);

        var slots = await harness.Observations.ReadRangeAsync(SlotRange.Between(first, first.AddHours(2.5)), limit.Token);
        Assert.Equal(10, slots.Count);
        Assert.All(slots, s =>
        {
            var expected = truth[s.SlotStart + SlotGrid.SlotLength] - truth[s.SlotStart];
            Assert.True(Math.Abs(s.LoadKwh!.Value - expected) <= (0.01 * expected) + 0.0025, $"{InstantText.Format(s.SlotStart)}: {s.LoadKwh} kWh, truly {expected:0.0000} ({s.QualityFlags})");
            Assert.False(s.QualityFlags.HasFlag(SlotQuality.Interpolated), $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}");
        });
        Assert.All(slots.Where(s => s.SlotStart >= stopped.From && s.SlotStart < stopped.To), s => Assert.True(s.QualityFlags.HasFlag(SlotQuality.Backfilled)));
        Assert.All(slots.Where(s => s.SlotStart < stopped.From || s.SlotStart >= stopped.To), s => Assert.False(s.QualityFlags.HasFlag(SlotQuality.Backfilled)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public async Task ExecuteAsync_FirstStart_ReadsTheConfiguredDaysOfThePastThenGoesOnLive(int historyDays)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var start = SlotGrid.StartOfLocalDay(Day, Stockholm).AddHours(9).AddMinutes(10);
        await using var rig = await HomeRig.StartAsync(start, TimeSpan.FromDays(5), limit.Token);
        var (home, harness) = (rig.Home, rig.Harness);
        var log = new CollectingLogger<LiveRecorder>();
        using var recorder = rig.NewRecorder(new LiveRecorderSettings { HistoryDays = historyDays }, log);

        var boundary = SlotGrid.Floor(start) + SlotGrid.SlotLength;
        await RecordUntilAsync(recorder, home, log, boundary, limit.Token);

        var past = SlotRange.Between(SlotGrid.Floor(start) - TimeSpan.FromDays(historyDays), SlotGrid.Floor(start));
        var stored = await harness.Observations.ReadRangeAsync(SlotRange.Between(start - TimeSpan.FromDays(5), boundary), limit.Token);
        var before = stored.Where(s => s.SlotStart < SlotGrid.Floor(start)).ToList();
        // Every slot of the configured days from the recorder's statistics (and none before them), then the live one.
        Assert.Equal(past.Count, before.Count);
        Assert.All(before, s => Assert.True(s.QualityFlags.HasFlag(SlotQuality.Backfilled), $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}"));
        // The first slot has no reading before it to count its energy from; every later one has its load.
        Assert.All(before.Skip(1), s => Assert.True(s.LoadKwh is not null, $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}"));
        Assert.Single(stored, s => s.SlotStart == SlotGrid.Floor(start));
        if (historyDays > 0)
        {
            Assert.Contains(log.Lines, l => l.Contains($"First start: reading {historyDays} days", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ExecuteAsync_PriceSensorInAnotherCurrency_ReportsTheProblemAndGoesOnRecording()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var start = SlotGrid.StartOfLocalDay(Day, Stockholm).AddHours(9).AddMinutes(10);
        await using var rig = await HomeRig.StartAsync(start, TimeSpan.FromDays(1), limit.Token);
        var (home, harness) = (rig.Home, rig.Harness);
        var options = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!;
        // The simulated Nord Pool sensor is in SEK; these options say EUR.
        var prices = new PriceUpdater(rig.Client, harness.Prices, options.Pricing with { Currency = "EUR" }, Stockholm, home.Clock, NullLogger<PriceUpdater>.Instance);
        var log = new CollectingLogger<LiveRecorder>();
        using var recorder = rig.NewRecorder(new LiveRecorderSettings { NordpoolSensor = options.Pricing.NordpoolSensor }, log, prices);

        var boundary = SlotGrid.Floor(start) + (2 * SlotGrid.SlotLength);
        await RecordUntilAsync(recorder, home, log, boundary, limit.Token);

        Assert.False(recorder.ExecuteTask!.IsFaulted, recorder.ExecuteTask.Exception?.ToString());
        Assert.Contains("pricing.currency", recorder.Status.LastProblem, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.StartsWith("Error:", StringComparison.Ordinal) && l.Contains("Prices not updated", StringComparison.Ordinal));
        var recorded = await harness.Observations.ReadRangeAsync(SlotRange.Between(SlotGrid.Floor(start), boundary), limit.Token);
        Assert.NotEmpty(recorded);
        Assert.All(recorded.Skip(1), s => Assert.NotNull(s.LoadKwh));
    }

    [Fact]
    public async Task ExecuteAsync_RestartedAskingForMoreDays_ReadsTheOlderDaysAndKeepsWhatWasRecorded()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var start = SlotGrid.StartOfLocalDay(Day, Stockholm).AddHours(9).AddMinutes(10);
        await using var rig = await HomeRig.StartAsync(start, TimeSpan.FromDays(5), limit.Token);
        var (home, harness) = (rig.Home, rig.Harness);
        var everything = SlotRange.Between(start - TimeSpan.FromDays(5), start + TimeSpan.FromHours(1));
        var firstLog = new CollectingLogger<LiveRecorder>();
        using (var first = rig.NewRecorder(new LiveRecorderSettings { HistoryDays = 2 }, firstLog))
        {
            await first.StartAsync(limit.Token);
            await first.WaitUntilFollowingAsync(limit.Token).WaitAsync(Patience, limit.Token);
            await first.StopAsync(limit.Token);
        }

        var recorded = await harness.Observations.ReadRangeAsync(everything, limit.Token);
        var log = new CollectingLogger<LiveRecorder>();
        using var second = rig.NewRecorder(new LiveRecorderSettings { HistoryDays = 4 }, log);

        await second.StartAsync(limit.Token);
        await second.WaitUntilFollowingAsync(limit.Token).WaitAsync(Patience, limit.Token);
        await second.StopAsync(limit.Token);

        var stored = await harness.Observations.ReadRangeAsync(everything, limit.Token);
        var older = stored.Where(s => s.SlotStart < recorded[0].SlotStart).ToList();
        // The two days before the earliest slot recorded are read, every one with its load but the very first.
        Assert.InRange(older.Count, (2 * 96) - 4, 2 * 96);
        Assert.All(older.Skip(1), s => Assert.True(s.LoadKwh is not null && s.QualityFlags.HasFlag(SlotQuality.Backfilled), $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}"));
        // What was recorded stays as it was, but for the first slot, which had no reading before it and now has one.
        Assert.Null(recorded[0].LoadKwh);
        Assert.NotNull(stored.Single(s => s.SlotStart == recorded[0].SlotStart).LoadKwh);
        Assert.Equal(recorded.Skip(1), stored.Where(s => s.SlotStart > recorded[0].SlotStart && s.SlotStart <= recorded[^1].SlotStart));
        Assert.DoesNotContain(log.Lines, l => l.Contains("First start", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("locked")]
    [InlineData("disk full")]
    public async Task ExecuteAsync_DatabaseRefusesASlot_RecorderGoesOnReportsTheFaultAndWritesTheSlotLate(string fault)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var start = SlotGrid.StartOfLocalDay(Day, Stockholm).AddHours(9).AddMinutes(10);
        await using var rig = await HomeRig.StartAsync(start, TimeSpan.Zero, limit.Token);
        var (home, harness) = (rig.Home, rig.Harness);
        var log = new CollectingLogger<LiveRecorder>();
        using var recorder = rig.NewRecorder(new LiveRecorderSettings(), log);
        await recorder.StartAsync(limit.Token);
        await recorder.WaitUntilFollowingAsync(limit.Token).WaitAsync(Patience, limit.Token);
        var first = SlotGrid.Floor(start) + SlotGrid.SlotLength;
        var truth = new Dictionary<DateTimeOffset, double>();
        async Task ToBoundaryAsync(DateTimeOffset boundary)
        {
            await home.AdvanceAsync(boundary - home.Clock.GetUtcNow(), limit.Token);
            truth[boundary] = home.Model.MeasuredKwh(EntityIds.LoadEnergy);
            await home.AdvanceAsync(TimeSpan.FromMinutes(1), limit.Token);
        }

        await ToBoundaryAsync(first);
        await WaitRecordedAsync(recorder, log, first, limit.Token);

        // The fault: another program holds the write lock (beyond the 5 s busy timeout), or the disk is full.
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={harness.Database.Path};Pooling=False");
        if (fault == "locked")
        {
            await holder.OpenAsync(limit.Token);
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync(limit.Token);
        }
        else
        {
            // Packed (no free page, full leaves) and capped at its size: the next rows need a page there is no room for.
            await using var connection = await harness.Database.OpenAsync(limit.Token);
            await using var command = connection.CreateCommand();
            // Slots of a later year (outside what the test reads) fill the pages the next slots belong in.
            command.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
                INSERT INTO slot_observations (slot_start, load_kwh) SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '2030-01-01', '+' || (i * 15) || ' minutes'), 1 FROM n;
                VACUUM;
                """;
            await command.ExecuteNonQueryAsync(limit.Token);
            command.CommandText = "PRAGMA page_count;";
            harness.Database.MaxPageCount = (long)(await command.ExecuteScalarAsync(limit.Token))!;
        }

        // A slot's few rows may still fit in pages with room left: the disk is found full within a few slots.
        var second = first;
        for (var tries = 0; tries < 12 && recorder.Status.Fault is null; tries++)
        {
            second += SlotGrid.SlotLength;
            await ToBoundaryAsync(second);
            await Eventually.ReachesAsync(
                () => recorder.Status, s => s.Fault is not null || s.RecordedUntil >= second, "the recorder to write the slot or report the fault", cancellationToken: limit.Token);
        }

        Assert.Contains(fault, recorder.Status.Fault, StringComparison.Ordinal);
        Assert.Equal(second - SlotGrid.SlotLength, recorder.Status.RecordedUntil);
        Assert.False(recorder.ExecuteTask!.IsCompleted, "the recorder must go on");

        // The fault passes within the slot: the slot is written late, by the recorder's own retry, before the next boundary.
        if (fault == "locked")
        {
            await holder.CloseAsync();
        }
        else
        {
            harness.Database.MaxPageCount = null;
        }

        for (var step = 0; step < 60 && recorder.Status.RecordedUntil < second; step++)
        {
            await home.AdvanceAsync(TimeSpan.FromSeconds(10), limit.Token);
            // Quiet again: the retry that was due has run.
            await Eventually.HoldsAsync(() => recorder.IsQuiet(home.Clock.GetUtcNow()), "the recorder to settle", cancellationToken: limit.Token);
        }

        await WaitRecordedAsync(recorder, log, second, limit.Token);
        Assert.Null(recorder.Status.Fault);
        Assert.True(home.Clock.GetUtcNow() < second + SlotGrid.SlotLength, "written within the slot");
        var third = second + SlotGrid.SlotLength;
        await ToBoundaryAsync(third);
        await WaitRecordedAsync(recorder, log, third, limit.Token);
        await recorder.StopAsync(limit.Token);

        var slots = await harness.Observations.ReadRangeAsync(SlotRange.Between(first, third), limit.Token);
        Assert.Equal((int)((third - first) / SlotGrid.SlotLength), slots.Count);
        Assert.All(slots, s =>
        {
            var expected = truth[s.SlotStart + SlotGrid.SlotLength] - truth[s.SlotStart];
            Assert.True(Math.Abs(s.LoadKwh!.Value - expected) <= (0.01 * expected) + 0.0025, $"{InstantText.Format(s.SlotStart)}: {s.LoadKwh} kWh, truly {expected:0.0000}");
            Assert.False(s.QualityFlags.HasFlag(SlotQuality.Backfilled), "written from the readings kept in memory");
        });
        // Logged once with its cause, and once that it passed.
        Assert.Single(log.Lines, l => l.Contains(fault, StringComparison.Ordinal) && l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("written, late", StringComparison.Ordinal));
    }

    /// <summary>Starts the recorder, runs the home a minute past <paramref name="boundary"/>, waits until the slots up to it are recorded, and stops.</summary>
    private static async Task RecordUntilAsync(
        LiveRecorder recorder, SimulatedHome home, CollectingLogger<LiveRecorder> log, DateTimeOffset boundary, CancellationToken cancellationToken)
    {
        await recorder.StartAsync(cancellationToken);
        await recorder.WaitUntilFollowingAsync(cancellationToken).WaitAsync(Patience, cancellationToken);
        await home.AdvanceAsync(boundary + TimeSpan.FromMinutes(1) - home.Clock.GetUtcNow(), cancellationToken);
        await WaitRecordedAsync(recorder, log, boundary, cancellationToken);
        await recorder.StopAsync(cancellationToken);
    }

    private static async Task WaitRecordedAsync(LiveRecorder recorder, CollectingLogger<LiveRecorder> log, DateTimeOffset boundary, CancellationToken cancellationToken)
    {
        try
        {
            await recorder.WaitUntilRecordedAsync(boundary, cancellationToken).WaitAsync(Patience, cancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Slots up to {InstantText.Format(boundary)} not recorded: {recorder.Status}; {recorder.ExecuteTask?.Exception}{Environment.NewLine}{string.Join(Environment.NewLine, log.Lines)}");
        }
    }
}
