using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Options;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Forecasting.Tests;

public sealed class AuroraTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 20, 9, 7, 0, TimeSpan.Zero);

    [Fact]
    public async Task Compute_AllDataAfterIssueChanged_FeaturesUnchanged()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 20);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(20), Now + TimeSpan.FromDays(2));
        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, Now + TimeSpan.FromDays(2), FutureWeather.Observed, CancellationToken.None);
        var issue = SlotGrid.IndexOf(Now - TimeSpan.FromDays(3));
        var targets = Enumerable.Range(0, 192).Select(i => issue + i).ToArray();
        var before = Rows(new AuroraFeatures(history), issue, targets);

        // Everything measured at or after the issue slot is replaced with nonsense.
        for (var p = history.PositionOf(issue); p < history.Range.Count; p++)
        {
            history.SetLoad(p, 1000);
            history.Pv[p] = 1000;
        }

        var after = Rows(new AuroraFeatures(history), issue, targets);

        Assert.Equal(before, after);
        Assert.Contains(before, v => !float.IsNaN(v) && v != 0);
    }

    [Fact]
    public async Task LoadAsync_WeatherForecastIssuedAfterIssueTime_IsNotUsed()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 10);
        var future = SlotGrid.Floor(Now) + TimeSpan.FromHours(5);
        await home.Weather.UpsertAsync(
        [
            new SlotWeather { SlotStart = future, Kind = WeatherKind.Forecast, IssuedAt = Now - TimeSpan.FromHours(1), TemperatureC = 3, Source = "test" },
            new SlotWeather { SlotStart = future, Kind = WeatherKind.Forecast, IssuedAt = Now + TimeSpan.FromHours(1), TemperatureC = 30, Source = "test" },
        ], CancellationToken.None);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(1), Now + TimeSpan.FromDays(1));

        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, Now, FutureWeather.IssuedForecast, CancellationToken.None);

        Assert.Equal(3f, history.Temperature[history.PositionOf(SlotGrid.IndexOf(future))]);
        // Observed weather of a slot after the issue time is what happened later: never a forecast input.
        Assert.True(float.IsNaN(history.Temperature[history.PositionOf(SlotGrid.IndexOf(future) + 4)]));
        // Nor are observations of slots that had not ended.
        Assert.True(float.IsNaN(history.Load[history.PositionOf(SlotGrid.IndexOf(Now))]));
    }

    [Fact]
    public async Task Forecast_TrainedModel_QuantilesOrderedNonNegativeAndNoPvAtNight()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        var result = await home.TrainingService().TrainAsync(20, CancellationToken.None);
        var round = await home.Runner().RunOnceAsync(CancellationToken.None);

        var forecasts = await home.Forecasts.ReadRangeAsync(result.Run.Version, SlotGrid.Horizon(Now, TimeSpan.FromHours(48)), CancellationToken.None);

        Assert.Equal(193, forecasts.Count);
        Assert.All(forecasts, f =>
        {
            Assert.InRange(f.LoadP10Kwh, 0, f.LoadP50Kwh);
            Assert.InRange(f.LoadP50Kwh, f.LoadP10Kwh, f.LoadP90Kwh);
            Assert.InRange(f.PvP10Kwh, 0, f.PvP50Kwh);
            Assert.InRange(f.PvP50Kwh, f.PvP10Kwh, f.PvP90Kwh);
            var elevation = SolarPosition.ElevationDegrees(f.SlotStart.AddMinutes(7.5), SyntheticHome.Site.Latitude, SyntheticHome.Site.Longitude);
            if (elevation < AuroraModel.SunDownElevation)
            {
                Assert.Equal(0, f.PvP90Kwh);
            }
        });
        Assert.Contains(forecasts, f => f.PvP50Kwh > 0.05);
        Assert.True(result.Promoted);
        Assert.True(File.Exists(Path.Combine(home.Store.Resolve(result.Run.Version), "load_p50.json")));
        Assert.Equal(2, round.SlotsByVersion.Count);
    }

    [Fact]
    public async Task Train_WinterWithLowSunAndDefaultSettings_PvP90StaysWithinWhatThePanelsGave()
    {
        // A northern December: the envelope is small and dawn slots have shares far above it; the p90 interval must
        // not be stretched by them (it once forecast 20 kWh in a slot of a home that never gave 0.4).
        var winter = new DateTimeOffset(2026, 12, 10, 0, 0, 0, TimeSpan.Zero);
        using var home = await SyntheticHome.CreateAsync(winter, 30);
        var range = SlotRange.Between(winter - TimeSpan.FromDays(30), winter + TimeSpan.FromDays(2));
        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, winter, FutureWeather.Observed, CancellationToken.None);
        var (model, _) = new AuroraTrainer(new AuroraTrainingSettings(), NullLogger.Instance)
            .Train(history, SlotRange.Between(range.Start, winter), "aurora_winter", CancellationToken.None);
        using var aurora = model;

        var forecasts = aurora.Forecast(new AuroraFeatures(history), history, winter, SlotGrid.Horizon(winter, TimeSpan.FromHours(48)));

        var observedMax = history.Pv.Where(v => !float.IsNaN(v)).Max();
        Assert.True(observedMax > 0);
        Assert.All(forecasts, f => Assert.InRange(f.PvP90Kwh, 0, 2 * observedMax));
        Assert.Contains(forecasts, f => f.PvP50Kwh > 0);
    }

    [Fact]
    public async Task Save_ThenLoad_BothLoadSetsForecastTheSame()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(21), Now + TimeSpan.FromDays(2));
        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, Now, FutureWeather.Observed, CancellationToken.None);
        var (model, _) = new AuroraTrainer(SyntheticHome.FastTraining, NullLogger.Instance)
            .Train(history, SlotRange.Between(range.Start, SlotGrid.Floor(Now)), "aurora_saved", CancellationToken.None);
        using var trained = model;
        using var folder = new TempDirectory();
        var features = new AuroraFeatures(history);
        var horizon = SlotGrid.Horizon(Now, TimeSpan.FromHours(48));

        trained.Save(folder.Path);
        using var loaded = AuroraModel.Load(folder.Path);

        Assert.Equal(
            [AuroraFeatures.LoadReferenceName, AuroraFeatures.LongLoadReferenceName],
            loaded.Metadata.Load.Select(l => l.Reference));
        Assert.True(File.Exists(Path.Combine(folder.Path, "load2_p50.json")));
        Assert.Equal(trained.Forecast(features, history, Now, horizon), loaded.Forecast(features, history, Now, horizon));
    }

    [Fact]
    public async Task TrainAsync_NoModelThenOneFromAnOlderAurora_TrainAtStartSaysWhyNewModelReplacesIt()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        var before = await home.TrainingService().TrainAtStartReasonAsync(CancellationToken.None);
        var first = await home.TrainingService().TrainAsync(20, CancellationToken.None);
        // An older Aurora computed one feature fewer: its model cannot be read by this one.
        var metadataPath = Path.Combine(home.Store.Resolve(first.Run.Version), AuroraModel.MetadataFile);
        var metadata = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(metadataPath))!;
        metadata["Features"]!.AsArray().RemoveAt(AuroraFeatures.Count - 1);
        File.WriteAllText(metadataPath, metadata.ToJsonString());
        var problem = await home.TrainingService().TrainAtStartReasonAsync(CancellationToken.None);

        var second = await home.TrainingService().TrainAsync(20, CancellationToken.None);

        Assert.Equal("there is no model yet", before);
        Assert.Contains("cannot be used", problem, StringComparison.Ordinal);
        Assert.Contains("retrain", problem, StringComparison.Ordinal);
        Assert.Null(await home.TrainingService().TrainAtStartReasonAsync(CancellationToken.None));
        Assert.True(second.Promoted);
        Assert.Equal("aurora_v2", (await home.Store.LoadCurrentAsync(CancellationToken.None))?.Version);
    }

    [Fact]
    public async Task RunOnceAsync_AuroraTrained_WritesBaselineAndAuroraWithIssueTime()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        var run = (await home.TrainingService().TrainAsync(20, CancellationToken.None)).Run;

        var round = await home.Runner().RunOnceAsync(CancellationToken.None);
        home.Clock.Advance(TimeSpan.FromMinutes(15));
        await home.Runner().RunOnceAsync(CancellationToken.None);

        Assert.Equal([run.Version, BaselineForecaster.VersionName], round.SlotsByVersion.Keys.Order(StringComparer.Ordinal));
        Assert.All(round.SlotsByVersion.Values, count => Assert.True(count >= 192, $"{count} slots"));
        var slot = SlotRange.Between(SlotGrid.Ceiling(Now) + TimeSpan.FromHours(1), SlotGrid.Ceiling(Now) + TimeSpan.FromHours(1.25));
        foreach (var version in round.SlotsByVersion.Keys)
        {
            var issues = await home.Forecasts.ReadRangeAsync(version, slot, CancellationToken.None);
            Assert.Equal([InstantText.Truncate(Now), InstantText.Truncate(Now) + TimeSpan.FromMinutes(15)], issues.Select(f => f.IssuedAt));
        }
    }

    [Fact]
    public async Task RunOnceAsync_NoModelYet_WritesBaselineOnly()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 10);

        var round = await home.Runner().RunOnceAsync(CancellationToken.None);

        Assert.Equal([BaselineForecaster.VersionName], round.SlotsByVersion.Keys);
    }

    [Fact]
    public async Task TrainAsync_TooFewCleanDays_ThrowsSayingHowMany()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 3);

        var error = await Assert.ThrowsAsync<InsufficientTrainingDataException>(() => home.TrainingService().TrainAsync(20, CancellationToken.None));

        Assert.Contains("Only 3 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_SecondTraining_GetsNextVersionAndRecordsRun()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        await home.TrainingService().TrainAsync(20, CancellationToken.None);

        var second = await home.TrainingService().TrainAsync(20, CancellationToken.None);

        Assert.Equal("aurora_v2", second.Run.Version);
        var stored = await home.Runs.ReadByVersionAsync("aurora_v2", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Contains("validation_load_mae", stored.MetricsJson, StringComparison.Ordinal);
        Assert.Contains("current_validation_combined_mae", stored.MetricsJson, StringComparison.Ordinal);
        Assert.Equal(second.Promoted, AuroraModelStore.IsPromoted(stored));
    }

    [Fact]
    public async Task GetForecastSlotsAsync_FlagSwitched_ReturnsTheSelectedVersion()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        var run = (await home.TrainingService().TrainAsync(20, CancellationToken.None)).Run;
        await home.Runner().RunOnceAsync(CancellationToken.None);
        var active = ForecastVersion.Baseline7DayAverage;
        var api = new ForecastApi(home.Forecasts, home.Store, () => active, home.Clock, NullLogger<ForecastApi>.Instance);
        var end = Now + TimeSpan.FromHours(24);

        var baseline = await api.GetForecastSlotsAsync(Now, end, CancellationToken.None);
        active = ForecastVersion.Aurora;
        var aurora = await api.GetForecastSlotsAsync(Now, end, CancellationToken.None);

        Assert.All(baseline, f => Assert.Equal(BaselineForecaster.VersionName, f.ForecastVersion));
        Assert.All(aurora, f => Assert.Equal(run.Version, f.ForecastVersion));
        Assert.Equal(baseline.Count, aurora.Count);
    }

    [Fact]
    public async Task GetForecastSlotsAsync_VersionLacksSlots_FallsBackToBaselineAndLogs()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 21);
        var run = (await home.TrainingService().TrainAsync(20, CancellationToken.None)).Run;
        var start = SlotGrid.Ceiling(Now);
        Core.Domain.SlotForecast Make(string version, int slot, double load) => new()
        {
            SlotStart = start + (slot * SlotGrid.SlotLength), ForecastVersion = version, IssuedAt = InstantText.Truncate(Now),
            LoadP10Kwh = load, LoadP50Kwh = load, LoadP90Kwh = load, PvP10Kwh = 0, PvP50Kwh = 0, PvP90Kwh = 0,
        };
        await home.Forecasts.UpsertAsync([Make(run.Version, 0, 1), Make(BaselineForecaster.VersionName, 0, 2), Make(BaselineForecaster.VersionName, 1, 3)], CancellationToken.None);
        var log = new ListLogger();
        var api = new ForecastApi(home.Forecasts, home.Store, () => ForecastVersion.Aurora, home.Clock, log);

        var slots = await api.GetForecastSlotsAsync(start, start + (2 * SlotGrid.SlotLength), CancellationToken.None);

        Assert.Equal([(run.Version, 1.0), (BaselineForecaster.VersionName, 3.0)], slots.Select(s => (s.ForecastVersion, s.LoadP50Kwh)));
        Assert.Contains(log.Messages, m => m.Contains("1 of 2 slots", StringComparison.Ordinal) && m.Contains(BaselineForecaster.VersionName, StringComparison.Ordinal));
    }

    [Fact]
    public void Score_HandMadeForecasts_GivesExpectedFigures()
    {
        var zone = TimeZoneInfo.Utc;
        var slot = new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
        SlotForecast Make(DateTimeOffset at, TimeSpan lead, double p10, double p50, double p90) => new()
        {
            SlotStart = at, ForecastVersion = "v", IssuedAt = at - lead,
            LoadP10Kwh = p10, LoadP50Kwh = p50, LoadP90Kwh = p90, PvP10Kwh = 0, PvP50Kwh = 0, PvP90Kwh = 0,
        };
        var actual = new Dictionary<long, SlotObservation>
        {
            [SlotGrid.IndexOf(slot)] = new() { SlotStart = slot, LoadKwh = 1.0, PvKwh = 0 },
            [SlotGrid.IndexOf(slot) + 1] = new() { SlotStart = slot.AddMinutes(15), LoadKwh = 2.0, PvKwh = 0 },
        };
        SlotForecast[] rows =
        [
            Make(slot, TimeSpan.FromHours(2), 0.5, 1.5, 2.0),               // error +0.5, covered
            Make(slot.AddMinutes(15), TimeSpan.FromHours(3), 0.5, 1.0, 1.5), // error -1.0, not covered
            Make(slot, TimeSpan.FromHours(30), 0.0, 0.0, 0.0),              // 24-48 h: error -1.0
        ];

        var scores = ForecastEvaluator.Score("v", rows, actual, zone);

        var near = scores.Single(s => s.Lead == "0-24h").Load;
        Assert.Equal(2, near.Count);
        Assert.Equal(0.75, near.Mae, 9);
        Assert.Equal(Math.Sqrt((0.25 + 1.0) / 2), near.Rmse, 9);
        Assert.Equal(-0.25, near.Bias, 9);
        Assert.Equal(0.5, near.CoverageP10P90, 9);
        // Pinball: first row (0.1·0.5 + 0.5·0.5 + 0.1·1.0)/3 = 0.4/3; second (0.1·1.5 + 0.5·1.0 + 0.9·0.5)/3 = 1.1/3.
        Assert.Equal(((0.4 / 3) + (1.1 / 3)) / 2, near.Pinball, 9);
        Assert.Equal(0.75, scores.Single(s => s.Lead == "0-24h").LoadMaeByHour[10], 9);
        var far = scores.Single(s => s.Lead == "24-48h").Load;
        Assert.Equal(1, far.Count);
        Assert.Equal(1.0, far.Mae, 9);
    }

    [Fact]
    public void Score_WaterHeaterPlanned_LoadScoredWithoutTheHeater()
    {
        var slot = new DateTimeOffset(2026, 3, 20, 10, 0, 0, TimeSpan.Zero);
        var actual = new Dictionary<long, SlotObservation>
        {
            [SlotGrid.IndexOf(slot)] = new() { SlotStart = slot, LoadKwh = 2.0, WaterKwh = 0.75, PvKwh = 0 },
        };
        SlotForecast[] rows =
        [
            new() { SlotStart = slot, ForecastVersion = "v", IssuedAt = slot.AddHours(-1), LoadP10Kwh = 1, LoadP50Kwh = 1.25, LoadP90Kwh = 1.5, PvP10Kwh = 0, PvP50Kwh = 0, PvP90Kwh = 0 },
        ];

        var planned = ForecastEvaluator.Score("v", rows, actual, TimeZoneInfo.Utc, waterHeaterPlanned: true).Single().Load;
        var whole = ForecastEvaluator.Score("v", rows, actual, TimeZoneInfo.Utc, waterHeaterPlanned: false).Single().Load;

        Assert.Equal(0, planned.Mae, 9);
        Assert.Equal(0.75, whole.Mae, 9);
    }

    [Fact]
    public void Forecast_Baseline_IsMeanOfSameSlotOnLastSevenKnownDays()
    {
        var range = new SlotRange(SlotGrid.IndexOf(Now) - (10 * 96), 12 * 96);
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            history.SetLoad(p, p / 96);
            history.Pv[p] = 0;
        }

        var issuedAt = SlotGrid.Floor(Now);
        var target = SlotGrid.IndexOf(issuedAt) + 1;
        var forecast = new BaselineForecaster().Forecast(new AuroraFeatures(history), history, issuedAt, new SlotRange(target, 1)).Single();

        // Day numbers 3..9 (the seven days before the issue day, index 10) average 6.
        Assert.Equal(6, forecast.LoadP50Kwh, 9);
        Assert.Equal(Percentiles.OfSorted([3, 4, 5, 6, 7, 8, 9], 0.1), forecast.LoadP10Kwh, 9);
        Assert.Equal(BaselineForecaster.VersionName, forecast.ForecastVersion);
    }

    [Fact]
    public void NextRetrain_SundayThreeOClock_IsNextSundayLocal()
    {
        var zone = TimeZones.Find("Europe/Stockholm");
        var friday = new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

        var next = RetrainLoop.NextRetrain(friday, new ForecastingOptions(), zone);

        Assert.Equal(new DateTimeOffset(2026, 3, 22, 2, 0, 0, TimeSpan.Zero), next);
    }

    private static float[] Rows(AuroraFeatures features, long issue, long[] targets)
    {
        var values = new float[targets.Length * AuroraFeatures.Count];
        for (var i = 0; i < targets.Length; i++)
        {
            features.Compute(issue, targets[i], values.AsSpan(i * AuroraFeatures.Count, AuroraFeatures.Count));
        }

        return values;
    }

    private sealed class ListLogger : ILogger<ForecastApi>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
