using Darkstar.Core.Forecasts;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Forecasting.Tests;

/// <summary>A car charging at issue time is forecast to go on as long as the home's past sessions say.</summary>
public sealed class CarSessionTests
{
    private const int Days = 22;
    private const int Today = 21;
    private const float Draw = 0.9f;
    private static readonly DateOnly FirstDay = new(2026, 4, 1);

    /// <summary>The car plugs in at 18:00 every day, for 6, 8 or 10 slots in turn; today it has charged for three.</summary>
    private static readonly DateTimeOffset Issue = SlotGrid.StartOfLocalDay(FirstDay.AddDays(Today), SyntheticHome.Site.TimeZone) + TimeSpan.FromHours(18.75);

    [Fact]
    public void ChargingProbability_ThreeSlotsIntoASession_ShareOfPastSessionsThatLastedSoLong()
    {
        var session = CarSession.At(History(), SlotGrid.IndexOf(Issue));

        Assert.NotNull(session);
        Assert.Equal(Draw, session.DrawKwh, 4);
        // Every past session lasted 6 slots; two in three 8; one in three 10; none 11.
        var issue = SlotGrid.IndexOf(Issue);
        Assert.Equal(1, session.ChargingProbability(issue + 2), 6);
        Assert.Equal(2 / 3.0, session.ChargingProbability(issue + 3), 1);
        Assert.Equal(2 / 3.0, session.ChargingProbability(issue + 4), 1);
        Assert.Equal(1 / 3.0, session.ChargingProbability(issue + 6), 1);
        Assert.Equal(0, session.ChargingProbability(issue + 7), 6);
    }

    [Fact]
    public void Add_ThreeSlotsIntoASession_P50WhileLikelierOnThanNotP90WhileOneInTenP10WhileNineInTen()
    {
        var issue = SlotGrid.IndexOf(Issue);
        var session = CarSession.At(History(), issue)!;
        var house = new QuantileTriple(0.1, 0.2, 0.4);

        Assert.Equal(new QuantileTriple(0.1 + Draw, 0.2 + Draw, 0.4 + Draw), session.Add(house, issue + 2), Close);
        Assert.Equal(new QuantileTriple(0.1, 0.2 + Draw, 0.4 + Draw), session.Add(house, issue + 4), Close);
        Assert.Equal(new QuantileTriple(0.1, 0.2, 0.4 + Draw), session.Add(house, issue + 6), Close);
        Assert.Equal(house, session.Add(house, issue + 7), Close);
    }

    [Fact]
    public void At_CarNotChargingOrNotMeteredOrTooFewSessions_IsNull()
    {
        var issue = SlotGrid.IndexOf(Issue);
        // An hour before the session began.
        Assert.Null(CarSession.At(History(), issue - 7));
        // No charger meter.
        var unmetered = History();
        Array.Fill(unmetered.Ev, float.NaN);
        Assert.Null(CarSession.At(unmetered, issue));
        // Only two sessions in the four weeks before.
        var young = History();
        Array.Fill(young.Ev, float.NaN, 0, young.PositionOf(SlotGrid.IndexOf(Issue)) - (2 * 96) - 12);
        Assert.Null(CarSession.At(young, issue));
    }

    [Fact]
    public void Forecast_CarChargingAtIssue_AuroraAddsTheCarWhileTheSessionLikelyGoesOn()
    {
        var metered = History();
        var unmetered = History();
        // The same load, but the charger's meter was out today: Aurora cannot know the car is on.
        Array.Fill(unmetered.Ev, float.NaN, unmetered.PositionOf(SlotGrid.IndexOf(Issue)) - 8, 8);
        var window = SlotRange.Between(SlotGrid.StartOfLocalDay(FirstDay, SyntheticHome.Site.TimeZone), Issue);
        var (model, _) = new AuroraTrainer(SyntheticHome.FastTraining, NullLogger.Instance).Train(metered, window, "aurora_car", CancellationToken.None);
        using var aurora = model;
        // The car alone: the hour just measured (with the car in it where unmetered) would also move the load.
        aurora.LiveCorrection = false;
        var horizon = SlotGrid.Horizon(Issue, TimeSpan.FromHours(6));

        var knowing = aurora.Forecast(new AuroraFeatures(metered), metered, Issue, horizon);
        var blind = aurora.Forecast(new AuroraFeatures(unmetered), unmetered, Issue, horizon);

        var added = knowing.Zip(blind, (k, b) => Math.Round(k.LoadP50Kwh - b.LoadP50Kwh, 4)).ToArray();
        Assert.Equal([Draw, Draw, Draw, Draw, Draw, 0, 0, 0], added.Take(8).Select(a => (float)a));
        Assert.All(added.Skip(5), a => Assert.Equal(0, a));
        Assert.All(knowing, f => Assert.True(f.LoadP10Kwh <= f.LoadP50Kwh && f.LoadP50Kwh <= f.LoadP90Kwh));
    }

    private static readonly IEqualityComparer<QuantileTriple> Close = EqualityComparer<QuantileTriple>.Create(
        (a, b) => Math.Abs(a.P10 - b.P10) < 1e-6 && Math.Abs(a.P50 - b.P50) < 1e-6 && Math.Abs(a.P90 - b.P90) < 1e-6);

    /// <summary>
    /// <see cref="Days"/> days of a house taking 0.2 kWh a slot, PV by the sun, and a car from 18:00 for 6, 8 or 10
    /// slots in turn at <see cref="Draw"/> kWh a slot; today's session is three slots old at <see cref="Issue"/>.
    /// </summary>
    private static SlotHistory History()
    {
        var zone = SyntheticHome.Site.TimeZone;
        var range = SlotRange.Between(SlotGrid.StartOfLocalDay(FirstDay, zone), SlotGrid.StartOfLocalDay(FirstDay.AddDays(Days + 1), zone));
        var history = new SlotHistory(SyntheticHome.Site, range);
        var issue = SlotGrid.IndexOf(Issue);
        for (var p = 0; p < range.Count; p++)
        {
            var slot = range.FirstIndex + p;
            var start = SlotGrid.StartOf(slot);
            var day = (int)(start - range.Start).TotalDays;
            var plugged = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(FirstDay.AddDays(day), zone) + TimeSpan.FromHours(18));
            var car = slot >= plugged && slot < plugged + (6 + (2 * (day % 3))) && slot < issue ? Draw : 0f;
            var elevation = SolarPosition.ElevationDegrees(start.AddMinutes(7.5), SyntheticHome.Site.Latitude, SyntheticHome.Site.Longitude);
            if (slot < issue)
            {
                history.SetLoad(p, 0.2f + car, car);
                history.Ev[p] = car;
                history.Pv[p] = elevation > 0 ? (float)Math.Sin(elevation * Math.PI / 180) : 0;
                history.Target[p] = true;
            }

            history.Temperature[p] = 8;
            history.CloudCover[p] = 40;
            history.Radiation[p] = 150;
        }

        return history;
    }
}
