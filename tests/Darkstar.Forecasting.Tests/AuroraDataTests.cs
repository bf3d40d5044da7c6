using Darkstar.Core.Domain;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;
using Darkstar.Forecasting.Runtime;

namespace Darkstar.Forecasting.Tests;

/// <summary>What Aurora may learn from, the features built from daily weather, and weighted, robust boosting.</summary>
public sealed class AuroraDataTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 20, 9, 7, 0, TimeSpan.Zero);

    [Fact]
    public async Task LoadAsync_DayJudgedExcludeWithInterpolatedSlots_LearnsItsMeasuredSlotsOnly()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 5);
        var day = SlotGrid.LocalDateOf(Now, SyntheticHome.Site.TimeZone).AddDays(-2);
        var slots = SlotGrid.LocalDay(day, SyntheticHome.Site.TimeZone);
        var filled = slots.Take(40).ToList();
        // Forty slots spread across a gap: the day is judged 'exclude' for it.
        await home.Observations.UpsertAsync(
            filled.Select(s => SyntheticHome.Observation(s) with { LoadKwh = 9, PvKwh = 9, QualityFlags = SlotQuality.Interpolated | SlotQuality.PvDoubtful }),
            CancellationToken.None);
        await home.Quality.UpsertAsync(
        [
            new DayQuality
            {
                Day = day, Status = DayQualityStatus.Exclude, Reason = "40 slots spread across gaps in the readings",
                ExpectedSlotCount = slots.Count, ObservedSlotCount = slots.Count, FlaggedSlotCount = 40, UpdatedAt = Now,
            },
        ], CancellationToken.None);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(4), Now);

        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, Now, FutureWeather.Observed, CancellationToken.None);

        foreach (var slot in filled)
        {
            var p = history.PositionOf(SlotGrid.IndexOf(slot));
            Assert.False(history.Target[p]);
            Assert.True(float.IsNaN(history.Load[p]));
            Assert.True(float.IsNaN(history.Pv[p]));
        }

        var measured = slots.Skip(40).ToList();
        Assert.All(measured, slot => Assert.True(history.Target[history.PositionOf(SlotGrid.IndexOf(slot))]));
        var first = history.PositionOf(SlotGrid.IndexOf(measured[0]));
        Assert.Equal((float)SyntheticHome.Observation(measured[0]).LoadKwh!.Value, history.Load[first]);
    }

    [Theory]
    [InlineData(true, 1.25f)]
    [InlineData(false, 2f)]
    public async Task LoadAsync_WaterHeaterMetered_LoadLeavesItOutWhenThePlannerSchedulesIt(bool waterHeaterPlanned, float expected)
    {
        using var home = await SyntheticHome.CreateAsync(Now, 5);
        var slot = SlotGrid.Floor(Now) - TimeSpan.FromHours(3);
        // 2 kWh of load, of which the water heater's meter read 0.75 kWh.
        await home.Observations.UpsertAsync([SyntheticHome.Observation(slot) with { LoadKwh = 2, WaterKwh = 0.75 }], CancellationToken.None);
        var loader = new HistoryLoader(home.Observations, home.Weather, waterHeaterPlanned);

        var history = await loader.LoadAsync(SyntheticHome.Site, SlotRange.Between(Now - TimeSpan.FromDays(1), Now), Now, FutureWeather.Observed, CancellationToken.None);

        // The plan adds the heating it schedules: a forecast that held it too would count it twice.
        Assert.Equal(expected, history.Load[history.PositionOf(SlotGrid.IndexOf(slot))]);
    }

    [Fact]
    public async Task LoadAsync_GridMeterGapWithPvMeasured_LearnsPvButNotLoad()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 5);
        var day = SlotGrid.LocalDateOf(Now, SyntheticHome.Site.TimeZone).AddDays(-2);
        var gap = SlotGrid.LocalDay(day, SyntheticHome.Site.TimeZone).Skip(40).Take(20).ToList();
        // The grid meter's gap makes load unknown; the PV meter read on through it.
        await home.Observations.UpsertAsync(
            gap.Select(s => SyntheticHome.Observation(s) with { LoadKwh = 9, PvKwh = 0.5, QualityFlags = SlotQuality.Interpolated }),
            CancellationToken.None);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(4), Now);

        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, Now, FutureWeather.Observed, CancellationToken.None);

        Assert.All(gap, slot =>
        {
            var p = history.PositionOf(SlotGrid.IndexOf(slot));
            Assert.True(history.Target[p]);
            Assert.True(float.IsNaN(history.Load[p]));
            Assert.Equal(0.5f, history.Pv[p]);
        });
    }

    [Fact]
    public async Task Compute_WeatherOfOtherDaysAfterIssueChanged_TargetDayFeaturesUnchanged()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 20);
        var zone = SyntheticHome.Site.TimeZone;
        var today = SlotGrid.LocalDateOf(Now, zone);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(20), SlotGrid.StartOfLocalDay(today.AddDays(3), zone));
        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, range.End, FutureWeather.Observed, CancellationToken.None);
        var target = SlotGrid.LocalDay(today.AddDays(1), zone);
        var issue = target.FirstIndex;
        var targets = Enumerable.Range(0, target.Count).Select(i => target.FirstIndex + i).ToArray();
        var before = Rows(new AuroraFeatures(history), issue, targets);

        // The weather of every slot after the target day is what a perfect forecast would not have told at issue time.
        for (var p = history.PositionOf(target.EndIndex); p < history.Range.Count; p++)
        {
            history.Temperature[p] = 40;
            history.Radiation[p] = 900;
        }

        var after = Rows(new AuroraFeatures(history), issue, targets);

        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Compute_TargetDayForecastWarmer_TemperatureChangeIsAgainstLastEndedDay()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 20);
        var zone = SyntheticHome.Site.TimeZone;
        var today = SlotGrid.LocalDateOf(Now, zone);
        var range = SlotRange.Between(Now - TimeSpan.FromDays(20), SlotGrid.StartOfLocalDay(today.AddDays(3), zone));
        var history = await home.Loader.LoadAsync(SyntheticHome.Site, range, range.End, FutureWeather.Observed, CancellationToken.None);
        var target = SlotGrid.LocalDay(today.AddDays(1), zone);
        foreach (var slot in target)
        {
            history.Temperature[history.PositionOf(SlotGrid.IndexOf(slot))] = 12;
        }

        var features = new AuroraFeatures(history);
        var row = new float[AuroraFeatures.Count];
        var column = AuroraFeatures.Names.ToList().IndexOf("temperature_change_c");

        // Issued at the target day's midnight, the last ended day is today: observed 5 °C, forecast 12 °C for the target day.
        features.Compute(target.FirstIndex, target.FirstIndex + 40, row);
        Assert.Equal(7f, row[column], 3);
        Assert.Equal(12f, row[AuroraFeatures.Names.ToList().IndexOf("day_temperature_c")], 3);
    }

    [Fact]
    public async Task LoadAsync_CarChargerAndHeatPumpMetered_TargetKeepsThemHouseLoadLeavesThemOut()
    {
        using var home = await SyntheticHome.CreateAsync(Now, 5);
        var slot = SlotGrid.Floor(Now) - TimeSpan.FromHours(3);
        // 2 kWh of load: 0.5 kWh into the car, 0.25 kWh into the heat pump.
        await home.Observations.UpsertAsync([SyntheticHome.Observation(slot) with { LoadKwh = 2, EvKwh = 0.5, HeatPumpKwh = 0.25 }], CancellationToken.None);
        var loader = new HistoryLoader(home.Observations, home.Weather);

        var history = await loader.LoadAsync(SyntheticHome.Site, SlotRange.Between(Now - TimeSpan.FromDays(1), Now), Now, FutureWeather.Observed, CancellationToken.None);

        var position = history.PositionOf(SlotGrid.IndexOf(slot));
        Assert.Equal(2f, history.Load[position]);
        Assert.Equal(1.25f, history.HouseLoad[position]);
        Assert.Equal(0.25f, history.HeatPump[position]);
        Assert.True(float.IsNaN(history.HeatPump[position - 1]));
    }

    [Fact]
    public void Compute_CarChargedOnFourOfSevenDays_ReferenceIsTheHouseAlone()
    {
        var range = new SlotRange(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 3, 1), SyntheticHome.Site.TimeZone)), 12 * 96);
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            // The house takes 0.3 kWh a slot; on days 3, 4, 5, 8 and 9 (all weekdays) the car takes 2 kWh more.
            var car = p / 96 is 3 or 4 or 5 or 8 or 9 ? 2f : 0f;
            history.SetLoad(p, 0.3f + car, car);
            history.Pv[p] = 0;
        }

        var features = new AuroraFeatures(history);
        var row = new float[AuroraFeatures.Count];
        var issue = range.FirstIndex + (10 * 96);
        features.Compute(issue, issue + 30, row);

        // The target is a Wednesday; the weekdays before it are days 1..5, 8 and 9. The median of the whole load would
        // be 2.3, the car's level on five days of seven.
        Assert.Equal(0.3f, row[AuroraFeatures.Names.ToList().IndexOf(AuroraFeatures.LoadReferenceName)], 5);
        Assert.Equal(0.3f, AuroraFeatures.LoadReference(row), 5);
        Assert.True(float.IsNaN(row[AuroraFeatures.Names.ToList().IndexOf("heat_pump_level_kwh")]));
    }

    [Fact]
    public void Compute_HeatPumpAgainstTemperature_LevelIsTheLineAtTheTargetDaysTemperatureAndInTheReference()
    {
        // Day d is (d mod 10) − 5 °C and its heat pump takes 0.5 − 0.04 kWh per degree a slot. The target day is −8 °C,
        // colder than any day before.
        static float Temperature(int day) => day == HeatPumpTargetDay ? -8f : (day % 10) - 5f;
        var row = HeatPumpRow(Temperature, day => 0.5f - (0.04f * Temperature(day)));

        Assert.Equal(0.82f, row[AuroraFeatures.Names.ToList().IndexOf("heat_pump_level_kwh")], 4);
        Assert.Equal(0.2f + 0.82f, AuroraFeatures.LoadReference(row), 4);
        Assert.Equal(0.2f + 0.82f, AuroraFeatures.LongLoadReference(row), 4);
    }

    [Fact]
    public void Compute_HeatPumpAgainstTheDaysAndTheDayBeforesTemperature_LevelIsThePlane()
    {
        // The pump takes 0.5 − 0.03 kWh a slot per degree of the day and 0.02 per degree of the day before: a house
        // that carries yesterday's cold.
        static float Temperature(int day) => day == HeatPumpTargetDay ? -6f : ((day * 7) % 11) - 4f;
        var row = HeatPumpRow(Temperature, day => 0.5f - (0.03f * Temperature(day)) - (0.02f * Temperature(day - 1)));

        // −6 °C after a day at ((34 · 7) mod 11) − 4 = 3 °C: 0.5 + 0.18 − 0.06.
        Assert.Equal(0.62f, row[AuroraFeatures.Names.ToList().IndexOf("heat_pump_level_kwh")], 4);
    }

    [Fact]
    public void Compute_HeatPumpAboveItsWeatherForTenDays_LevelCarriesMostOfTheLatestSurprise()
    {
        // Every day is 3 °C, so the weather level is the last 28 days' mean. From day 25 the pump takes 0.8 kWh a slot
        // instead of 0.5 (a cold spell the daily mean does not show): each day's surprise is most of the day before's,
        // the carry-over is capped at 0.9.
        var level = AuroraFeatures.Names.ToList().IndexOf("heat_pump_level_kwh");
        static float HeatPump(int day) => day >= 25 ? 0.8f : 0.5f;

        // The mean of days 7..34 is (18 · 0.5 + 10 · 0.8) / 28 = 0.607143; day 34's surprise is 0.8 less the mean of
        // days 6..33, (19 · 0.5 + 9 · 0.8) / 28: 0.203571.
        Assert.Equal(0.607143f + (0.9f * 0.203571f), HeatPumpRow(_ => 3f, HeatPump)[level], 4);
        // A day further ahead carries it twice.
        Assert.Equal(0.607143f + (0.81f * 0.203571f), HeatPumpRow(_ => 3f, HeatPump, daysAhead: 1)[level], 4);
    }

    [Fact]
    public void Compute_HeatPumpAboveItsWeatherOnTheLatestDayOnly_LevelCarriesNothing()
    {
        // Surprises have never lasted in this home, so a first one is not carried: the level is the 28 days' mean.
        var row = HeatPumpRow(_ => 3f, day => day == HeatPumpTargetDay - 1 ? 0.8f : 0.5f);

        Assert.Equal(0.5f + (0.3f / 28), row[AuroraFeatures.Names.ToList().IndexOf("heat_pump_level_kwh")], 4);
    }

    private const int HeatPumpTargetDay = 35;

    /// <summary>
    /// The features of a slot on day <see cref="HeatPumpTargetDay"/>, issued at its start, after days at
    /// <paramref name="temperature"/> whose heat pump took <paramref name="heatPump"/> kWh a slot beside a house taking
    /// 0.2 kWh, or of a slot <paramref name="daysAhead"/> days later. From the target day on the pump's energy is absurd:
    /// it is not known at issue time.
    /// </summary>
    private static float[] HeatPumpRow(Func<int, float> temperature, Func<int, float> heatPump, int daysAhead = 0)
    {
        var range = new SlotRange(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 1, 1), SyntheticHome.Site.TimeZone)), 40 * 96);
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            var day = p / 96;
            var energy = day >= HeatPumpTargetDay ? 5f : heatPump(day);
            history.Temperature[p] = temperature(day);
            history.HeatPump[p] = energy;
            history.SetLoad(p, 0.2f + energy, energy);
            history.Pv[p] = 0;
        }

        var row = new float[AuroraFeatures.Count];
        var issue = range.FirstIndex + (HeatPumpTargetDay * 96);
        new AuroraFeatures(history).Compute(issue, issue + (daysAhead * 96) + 40, row);
        return row;
    }

    [Fact]
    public void Compute_LoadOfSevenDays_MedianAndLastDayFromKnownSlotsOnly()
    {
        var range = new SlotRange(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 3, 1), SyntheticHome.Site.TimeZone)), 12 * 96);
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            // Day d has load d in every slot, but day 8 holds a spike of 100 at every slot.
            history.SetLoad(p, p / 96 == 8 ? 100 : p / 96);
            history.Pv[p] = 0;
        }

        var features = new AuroraFeatures(history);
        var row = new float[AuroraFeatures.Count];
        var issue = range.FirstIndex + (10 * 96);
        features.Compute(issue, issue + 30, row);
        var names = AuroraFeatures.Names.ToList();

        // The target is a Wednesday; the weekdays known at issue are days 1..5, 8 and 9 (days 0, 6 and 7 are a weekend):
        // 1, 2, 3, 4, 5, 100, 9 → median 4, while the mean of days 3..9 is pulled up.
        Assert.Equal(4f, row[names.IndexOf(AuroraFeatures.LoadReferenceName)]);
        Assert.True(row[names.IndexOf("load_same_slot_7day_mean")] > 15);
        Assert.Equal(9f * 96, row[names.IndexOf("load_last_day_kwh")], 2);
        Assert.Equal(9f, row[names.IndexOf("load_same_hour_last")]);
    }

    [Fact]
    public void Compute_LoadOfFortyDays_LongMedianReadsTwentyEightDaysDayTypeMedianTwoWeeksOfTheTargetsType()
    {
        var range = new SlotRange(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 3, 1), SyntheticHome.Site.TimeZone)), 40 * 96);
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            // Day d (day 0 a Sunday) has load d in every slot on a weekday, 100 + d on a weekend.
            var day = p / 96;
            history.SetLoad(p, day % 7 is 0 or 6 ? 100 + day : day);
            history.Pv[p] = 0;
        }

        var features = new AuroraFeatures(history);
        var row = new float[AuroraFeatures.Count];
        var issue = range.FirstIndex + (35 * 96);
        features.Compute(issue, issue + 40, row);
        var names = AuroraFeatures.Names.ToList();

        // Days 7..34 are read: twenty weekdays 8..33 below eight weekend days, median 25.5.
        Assert.Equal(25.5f, row[names.IndexOf(AuroraFeatures.LongLoadReferenceName)]);
        // The target (day 35) is a Sunday: the weekend days of the two weeks before it are 21, 27, 28 and 34.
        Assert.Equal(127.5f, row[names.IndexOf(AuroraFeatures.LoadReferenceName)]);
        // Day 36, a Monday: the weekdays among days 22..35 are 22..26 and 29..33.
        features.Compute(issue + 96, issue + 96 + 40, row);
        Assert.Equal(27.5f, row[names.IndexOf(AuroraFeatures.LoadReferenceName)]);
    }

    [Fact]
    public void Compute_HistoryCutAtTheForecastLookback_SameFeaturesAsALongerHistory()
    {
        // The live forecast loads only ForecastRunner.Lookback of history; it must see what training saw.
        var issueStart = SlotGrid.StartOfLocalDay(new DateOnly(2026, 4, 20), SyntheticHome.Site.TimeZone) + TimeSpan.FromHours(9.25);
        var issue = SlotGrid.IndexOf(issueStart);
        var longer = Noisy(SlotRange.Between(issueStart - ForecastRunner.Lookback - TimeSpan.FromDays(30), issueStart + ForecastRunner.Horizon));
        var cut = new SlotHistory(SyntheticHome.Site, SlotRange.Between(issueStart - ForecastRunner.Lookback, longer.Range.End));
        var offset = longer.PositionOf(cut.Range.FirstIndex);
        Array.Copy(longer.Load, offset, cut.Load, 0, cut.Range.Count);
        Array.Copy(longer.HouseLoad, offset, cut.HouseLoad, 0, cut.Range.Count);
        Array.Copy(longer.HeatPump, offset, cut.HeatPump, 0, cut.Range.Count);
        Array.Copy(longer.Pv, offset, cut.Pv, 0, cut.Range.Count);
        Array.Copy(longer.Temperature, offset, cut.Temperature, 0, cut.Range.Count);
        Array.Copy(longer.CloudCover, offset, cut.CloudCover, 0, cut.Range.Count);
        Array.Copy(longer.Radiation, offset, cut.Radiation, 0, cut.Range.Count);
        var targets = Enumerable.Range(0, 192).Select(i => issue + i).ToArray();

        var expected = targets.SelectMany(t => Row(new AuroraFeatures(longer), issue, t)).ToArray();
        var actual = targets.SelectMany(t => Row(new AuroraFeatures(cut), issue, t)).ToArray();

        Assert.Equal(expected, actual);

        static float[] Row(AuroraFeatures features, long issue, long target)
        {
            var row = new float[AuroraFeatures.Count];
            features.Compute(issue, target, row);
            return row;
        }
    }

    private static SlotHistory Noisy(SlotRange range)
    {
        var history = new SlotHistory(SyntheticHome.Site, range);
        var random = new Random(42);
        for (var p = 0; p < range.Count; p++)
        {
            var day = p / 96;
            var elevation = SolarPosition.ElevationDegrees(SlotGrid.StartOf(range.FirstIndex + p), SyntheticHome.Site.Latitude, SyntheticHome.Site.Longitude);
            // A heat pump whose energy varies from day to day, so that its level is compared too.
            history.HeatPump[p] = 0.05f + (0.01f * (day % 7));
            history.SetLoad(p, 0.1f + (0.5f * random.NextSingle()) + history.HeatPump[p], history.HeatPump[p]);
            history.Pv[p] = elevation > 0 ? (float)(Math.Sin(elevation * Math.PI / 180) * (0.3 + (0.7 * ((day * 37) % 11) / 10.0))) : 0;
            history.Temperature[p] = 5 + (day % 9);
            history.CloudCover[p] = (day * 53) % 100;
            history.Radiation[p] = 50 + ((day * 71) % 200);
        }

        return history;
    }

    [Fact]
    public void PvEnvelope_RisingPvAtNoon_IsTheBestOfRecentDaysAtThatTimeAndFlooredElsewhere()
    {
        var range = new SlotRange(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 1), SyntheticHome.Site.TimeZone)), 30 * 96);
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            // PV only in UTC quarter hour 48 of each day, equal to the day's number.
            history.SetLoad(p, 1);
            history.Pv[p] = (range.FirstIndex + p) % 96 == 48 ? p / 96 : 0;
        }

        var features = new AuroraFeatures(history);
        var issue = range.FirstIndex + (25 * 96);
        var noon = issue + 48 - (issue % 96);

        // The best of the days known at issue (day 24), also for the neighbouring quarter hours.
        Assert.Equal(24f, features.PvEnvelope(issue, noon + 96));
        Assert.Equal(24f, features.PvEnvelope(issue, noon + 96 - 1));
        Assert.Equal(24f * PvExpectation.EnvelopeFloorShare, features.PvEnvelope(issue, noon + 96 + 20), 4);
    }

    [Theory]
    [InlineData(-3f, true)]
    [InlineData(5f, false)]
    public void Compute_PanelsCoveredYesterday_WeatherEstimateFollowsThemOnlyWhileFreezing(float targetDayTemperature, bool covered)
    {
        var zone = SyntheticHome.Site.TimeZone;
        var first = SlotGrid.StartOfLocalDay(new DateOnly(2026, 1, 1), zone);
        var range = SlotRange.Between(first, SlotGrid.StartOfLocalDay(new DateOnly(2026, 1, 23), zone));
        var history = new SlotHistory(SyntheticHome.Site, range);
        var issue = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 1, 22), zone));
        var yesterday = SlotGrid.LocalDay(new DateOnly(2026, 1, 21), zone);
        for (var p = 0; p < range.Count; p++)
        {
            var slot = range.FirstIndex + p;
            var ofDay = slot % 96;
            history.SetLoad(p, 1);
            history.Radiation[p] = 60;
            history.Temperature[p] = slot >= issue ? targetDayTemperature : -1;
            // Snow on the panels all of yesterday: nothing despite the same sky as every other day.
            history.Pv[p] = yesterday.Contains(SlotGrid.StartOf(slot)) ? 0 : ofDay is >= 36 and < 60 ? 0.5f : 0;
        }

        var features = new AuroraFeatures(history);
        var row = new float[AuroraFeatures.Count];
        var noon = issue + ((48 - (issue % 96) + 96) % 96);
        features.Compute(issue, noon, row);
        var names = AuroraFeatures.Names.ToList();

        Assert.Equal(0f, row[names.IndexOf("pv_last_day_vs_weather")], 3);
        var estimate = row[names.IndexOf("pv_weather_estimate_kwh")];
        if (covered)
        {
            Assert.Equal(0f, estimate, 3);
        }
        else
        {
            Assert.InRange(estimate, 0.2f, 0.8f);
        }
    }

    [Fact]
    public void AzimuthDegrees_NorthernSite_EastInMorningSouthAtNoonWestInEvening()
    {
        var (latitude, longitude) = (47.7, 9.2);
        // Solar noon at 9.2° E is near 11:23 UTC (equation of time in June about −1 minute).
        Assert.InRange(SolarPosition.AzimuthDegrees(new DateTimeOffset(2016, 6, 21, 6, 0, 0, TimeSpan.Zero), latitude, longitude), 60, 110);
        Assert.InRange(SolarPosition.AzimuthDegrees(new DateTimeOffset(2016, 6, 21, 11, 23, 0, TimeSpan.Zero), latitude, longitude), 170, 190);
        Assert.InRange(SolarPosition.AzimuthDegrees(new DateTimeOffset(2016, 6, 21, 17, 0, 0, TimeSpan.Zero), latitude, longitude), 250, 300);
    }

    [Fact]
    public void Train_AbsoluteErrorOnSkewedLabels_PredictsTheMedianNotTheMean()
    {
        // One group of rows: nine labels of 1 and one of 50; the median is 1, the mean 5.9.
        var rows = 200;
        var values = new float[rows];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            values[i] = i % 2;
            labels[i] = i % 10 == 0 ? 50 : 1;
        }

        var features = new FeatureMatrix(values, 1);
        var parameters = new BoostingParameters { MaxRounds = 50, LearningRate = 0.3, MaxDepth = 2, MinChildWeight = 1, Subsample = 0.8, ColumnSampleByTree = 1 };
        using var model = XGBoostModel.Train(features, labels, features, labels, BoostingObjective.AbsoluteError, parameters, CancellationToken.None).Model;

        Assert.All(model.Predict(features), p => Assert.InRange(p, 0.9, 1.1));
    }

    [Fact]
    public void Train_WeightedRows_LeanTowardsTheHeavierLabel()
    {
        // Identical features; label 0 with weight 1 and label 10 with weight 4: the weighted median is 10.
        var rows = 100;
        var features = new FeatureMatrix(new float[rows], 1);
        var labels = Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? 0f : 10f).ToArray();
        var weights = Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? 1f : 4f).ToArray();
        var parameters = new BoostingParameters { MaxRounds = 200, LearningRate = 0.3, MaxDepth = 2, MinChildWeight = 1, Subsample = 1, ColumnSampleByTree = 1, EarlyStoppingRounds = 200 };

        var data = new TrainingData(features, labels, weights);
        using var median = XGBoostModel.Train(data, data, BoostingObjective.Quantile(0.5), parameters, CancellationToken.None).Model;
        using var unweighted = XGBoostModel.Train(features, labels, features, labels, BoostingObjective.Quantile(0.3), parameters, CancellationToken.None).Model;

        Assert.InRange(median.Predict(features)[0], 9, 10.5);
        Assert.InRange(unweighted.Predict(features)[0], -0.5, 1);
    }

    /// <summary>A saved model lists the columns it was trained on: the names and their order are part of its format.</summary>
    [Fact]
    public void Names_TheColumnsSavedModelsWereTrainedOn_InTheirOrder()
    {
        string[] saved =
        [
            "slot_of_day", "time_sin", "time_cos", "day_of_week", "is_weekend", "month", "year_sin", "year_cos",
            "sun_elevation_deg", "clear_sky_w_m2", "temperature_c", "cloud_cover_pct", "radiation_w_m2",
            "day_temperature_c", "day_radiation_w_m2", "day_clearness", "expected_irradiance_w_m2",
            "lead_hours", "lag_days", "load_same_slot_last", "load_same_slot_week_ago", "load_same_slot_7day_mean",
            "load_last_24h_mean", "load_last_hour_mean", "pv_same_slot_last", "pv_same_slot_7day_mean",
            "pv_same_slot_7day_max", "pv_yesterday_kwh", "vacation",
            "sun_azimuth_deg", "load_same_daytype_slot_median", "load_same_hour_last", "load_last_day_kwh", "load_last_7days_mean",
            "temperature_change_c", "pv_clear_share_7day_max", "pv_clear_share_last_day", "pv_envelope_kwh",
            "pv_weather_estimate_kwh", "pv_weather_estimate_share", "pv_last_day_vs_weather", "load_same_slot_28day_median",
            "heat_pump_level_kwh", "heat_pump_last_7days_mean",
        ];

        Assert.Equal(saved, AuroraFeatures.Names);
        Assert.Equal(saved.Length, Enum.GetValues<AuroraFeature>().Distinct().Count());
        Assert.Equal("load_same_daytype_slot_median", AuroraFeatures.LoadReferenceName);
        Assert.Equal("load_same_slot_28day_median", AuroraFeatures.LongLoadReferenceName);
        Assert.Equal("pv_weather_estimate_share", AuroraFeatures.PvReferenceName);
    }

    [Fact]
    public void PvRows_FeatureRow_HidesHouseholdFeaturesKeepsSunAndWeather()
    {
        var values = Enumerable.Range(1, AuroraFeatures.Count).Select(i => (float)i).ToArray();

        var pv = Forecasters.AuroraModel.PvRows(new FeatureMatrix(values, AuroraFeatures.Count)).Values;

        for (var c = 0; c < AuroraFeatures.Count; c++)
        {
            var name = AuroraFeatures.Names[c];
            Assert.True(AuroraFeatures.LoadOnly.Contains(name) ? float.IsNaN(pv[c]) : pv[c] == values[c], name);
        }

        Assert.Contains("load_same_slot_7day_mean", AuroraFeatures.LoadOnly);
        Assert.DoesNotContain("day_clearness", AuroraFeatures.LoadOnly);
        Assert.Equal(1f, values[0]);
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
}
