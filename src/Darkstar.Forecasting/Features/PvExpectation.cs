using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Features;

/// <summary>The PV a day's weather implies at a slot, and how the latest complete day's PV compared with its weather.</summary>
/// <param name="Kwh">The expected PV in the slot (<see cref="AuroraFeature.PvWeatherEstimateKwh"/>).</param>
/// <param name="LastDayRatio">The latest complete day's PV over what its weather implied (<see cref="AuroraFeature.PvLastDayVsWeather"/>); NaN where unknown.</param>
public readonly record struct PvEstimate(float Kwh, float LastDayRatio);

/// <summary>
/// What the home's panels are expected to give, as known at an issue time: the envelope of recent clear-day PV at each
/// UTC quarter hour, the share of a day's PV each quarter hour takes, and the yield per unit of a day's weather. PV is
/// learned as a share of the envelope, relative to what the weather implies (<see cref="AuroraFeatures.PvReferenceName"/>).
/// </summary>
/// <param name="history">The measured PV.</param>
/// <param name="dayPv">Each local day's PV; NaN where too little of it was measured.</param>
/// <param name="dayRadiation">Each local day's mean radiation; NaN where unknown.</param>
/// <param name="daySunshine">Each local day's hours of sunshine; NaN where unknown.</param>
/// <param name="dayTemperature">Each local day's mean temperature; NaN where unknown.</param>
/// <param name="lastCompleteDay">The latest local day that had ended by an issue slot, or −1.</param>
public sealed class PvExpectation(
    SlotHistory history, float[] dayPv, float[] dayRadiation, float[] daySunshine, float[] dayTemperature, Func<long, int> lastCompleteDay)
{
    /// <summary>The days behind the issue time whose best PV at each time of day makes the PV envelope.</summary>
    public const int EnvelopeDays = 21;

    /// <summary>The envelope is floored at this share of its peak, so dawn and dusk do not blow PV shares up.</summary>
    public const float EnvelopeFloorShare = 0.05f;

    /// <summary>A day that gave less than this share of what its weather implied had its panels covered (snow, frost).</summary>
    public const float CoveredYieldRatio = 0.3f;

    /// <summary>A day whose mean temperature is at most this does not clear snow from the panels.</summary>
    public const float FreezingDayMeanC = 0.5f;

    /// <summary>The days behind the issue time whose PV per unit of daily radiation makes the weather estimate's yield.</summary>
    public const int YieldDays = 30;

    /// <summary>The days behind the issue time whose mean daily PV profile half-makes the weather estimate's shape.</summary>
    public const int ShapeDays = 14;

    private readonly Dictionary<long, PvProfile> _profiles = [];

    /// <summary>
    /// The PV expected at <paramref name="target"/> on local day <paramref name="day"/> as known at <paramref name="issue"/>
    /// (<paramref name="lastDay"/> the latest complete day then, or −1): what the day's weather implies, else
    /// <paramref name="withoutWeather"/>. Snow on the panels: a day that gave far less than its weather implied, followed
    /// by a freezing one, keeps the panels covered; the estimate follows the covered day's yield rather than the sky.
    /// </summary>
    public PvEstimate Estimate(long issue, long target, int day, int lastDay, float withoutWeather)
    {
        // Without a radiation forecast the best guess at the day's PV is the recent days' own.
        var estimate = WeatherEstimate(issue, target, day);
        estimate = float.IsNaN(estimate) ? withoutWeather : estimate;
        var lastRatio = lastDay < 0 ? float.NaN : LastDayAgainstWeather(issue, lastDay);
        if (lastRatio < CoveredYieldRatio && dayTemperature[day] <= FreezingDayMeanC)
        {
            estimate *= lastRatio;
        }

        return new PvEstimate(estimate, lastRatio);
    }

    private float LastDayAgainstWeather(long issue, int lastDay)
    {
        var yield = Profile(issue).Yield;
        var expected = (yield.PerRadiation * dayRadiation[lastDay])
            + (yield.PerSunshineHour > 0 && !float.IsNaN(daySunshine[lastDay]) ? yield.PerSunshineHour * daySunshine[lastDay] : 0);
        return float.IsNaN(expected) || expected <= 0.1f || float.IsNaN(dayPv[lastDay]) ? float.NaN : dayPv[lastDay] / expected;
    }

    /// <summary>
    /// PV the target day's radiation implies, known at issue time: the home's median yield (daily PV per W/m² of daily
    /// mean radiation) over the <see cref="YieldDays"/> days before the issue, times the day's radiation, spread over
    /// the day by the mean of the envelope's shape and the last <see cref="ShapeDays"/> days' mean profile (clear days
    /// follow the envelope, cloudy days are flatter).
    /// </summary>
    private float WeatherEstimate(long issue, long target, int day)
    {
        var profile = Profile(issue);
        var radiation = dayRadiation[day];
        if (float.IsNaN(profile.Yield.PerRadiation) || float.IsNaN(radiation))
        {
            return float.NaN;
        }

        var sunshine = profile.Yield.PerSunshineHour > 0 && !float.IsNaN(daySunshine[day]) ? daySunshine[day] : 0;
        var dailyPv = (profile.Yield.PerRadiation * radiation) + (profile.Yield.PerSunshineHour * sunshine);
        return dailyPv * profile.Shape[SlotOfUtcDay(target)];
    }

    private static int SlotOfUtcDay(long slot) => (int)(((slot % SlotGrid.SlotsPerUtcDay) + SlotGrid.SlotsPerUtcDay) % SlotGrid.SlotsPerUtcDay);

    /// <summary>
    /// The home's clear-day PV at the target's time of day, as known at issue time: the best PV of that UTC quarter
    /// hour (and its neighbours) over the <see cref="EnvelopeDays"/> days before the issue, floored at
    /// <see cref="EnvelopeFloorShare"/> of the day's peak. PV is learned as a share of it: it carries the panels'
    /// orientation, shading and size, and any offset of the meter's clock, which solar geometry alone cannot know.
    /// </summary>
    public float Envelope(long issue, long target) => Profile(issue).Envelope[SlotOfUtcDay(target)];

    private sealed record PvProfile(float[] Envelope, float[] Shape, PvYield Yield);

    private PvProfile Profile(long issue)
    {
        lock (_profiles)
        {
            if (_profiles.TryGetValue(issue, out var cached))
            {
                return cached;
            }
        }

        var envelope = BuildEnvelope(issue);
        var profile = new PvProfile(envelope, Shape(issue, envelope), Yield(issue));
        lock (_profiles)
        {
            if (_profiles.Count > 4096)
            {
                _profiles.Clear();
            }

            _profiles[issue] = profile;
        }

        return profile;
    }

    private float[] BuildEnvelope(long issue)
    {
        var best = new float[SlotGrid.SlotsPerUtcDay];
        Array.Fill(best, float.NaN);
        for (var slot = issue - (EnvelopeDays * SlotGrid.SlotsPerUtcDay) - 1; slot < issue; slot++)
        {
            var value = KnownPv(slot, issue);
            if (float.IsNaN(value))
            {
                continue;
            }

            for (var neighbour = -1; neighbour <= 1; neighbour++)
            {
                var of = SlotOfUtcDay(slot + neighbour);
                best[of] = float.IsNaN(best[of]) ? value : Math.Max(best[of], value);
            }
        }

        var peak = 0f;
        foreach (var value in best)
        {
            peak = float.IsNaN(value) ? peak : Math.Max(peak, value);
        }

        var floor = Math.Max(peak * EnvelopeFloorShare, 1e-3f);
        var envelope = new float[SlotGrid.SlotsPerUtcDay];
        for (var i = 0; i < SlotGrid.SlotsPerUtcDay; i++)
        {
            envelope[i] = float.IsNaN(best[i]) ? Math.Max(peak, floor) : Math.Max(best[i], floor);
        }

        return envelope;
    }

    /// <summary>Each UTC quarter hour's share of a day's PV: half the envelope's shape, half the recent days' mean.</summary>
    private float[] Shape(long issue, float[] best)
    {
        var envelope = new double[SlotGrid.SlotsPerUtcDay];
        var envelopeSum = best.Sum(v => (double)v);
        var mean = new double[SlotGrid.SlotsPerUtcDay];
        var days = 0;
        for (var k = 1; k <= ShapeDays; k++)
        {
            var first = issue - (k * SlotGrid.SlotsPerUtcDay);
            var total = 0.0;
            var known = 0;
            for (var slot = first; slot < first + SlotGrid.SlotsPerUtcDay; slot++)
            {
                var value = KnownPv(slot, issue);
                if (!float.IsNaN(value))
                {
                    total += value;
                    known++;
                }
            }

            if (known < SlotGrid.SlotsPerUtcDay * 3 / 4 || total <= 0)
            {
                continue;
            }

            days++;
            for (var slot = first; slot < first + SlotGrid.SlotsPerUtcDay; slot++)
            {
                var value = KnownPv(slot, issue);
                mean[SlotOfUtcDay(slot)] += float.IsNaN(value) ? 0 : value / total;
            }
        }

        var shape = new float[SlotGrid.SlotsPerUtcDay];
        for (var i = 0; i < SlotGrid.SlotsPerUtcDay; i++)
        {
            envelope[i] = envelopeSum > 0 ? best[i] / envelopeSum : 0;
            shape[i] = (float)(days == 0 ? envelope[i] : (envelope[i] + (mean[i] / days)) / 2);
        }

        return shape;
    }

    /// <summary>
    /// Daily PV from the day's weather, fitted by least squares over recent complete days: PV = a·radiation +
    /// b·sunshine hours where both are known (sunshine separates a clear day from a bright hazy one), else the median
    /// PV per W/m² of radiation.
    /// </summary>
    private sealed record PvYield(float PerRadiation, float PerSunshineHour);

    private PvYield Yield(long issue)
    {
        var last = lastCompleteDay(issue);
        var ratios = new List<float>(YieldDays);
        double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
        var both = 0;
        for (var d = last; d >= 0 && d > last - YieldDays; d--)
        {
            if (float.IsNaN(dayPv[d]) || !(dayRadiation[d] > 1))
            {
                continue;
            }

            ratios.Add(dayPv[d] / dayRadiation[d]);
            if (!float.IsNaN(daySunshine[d]))
            {
                s11 += dayRadiation[d] * dayRadiation[d];
                s12 += dayRadiation[d] * daySunshine[d];
                s22 += daySunshine[d] * daySunshine[d];
                t1 += dayRadiation[d] * dayPv[d];
                t2 += daySunshine[d] * dayPv[d];
                both++;
            }
        }

        var determinant = (s11 * s22) - (s12 * s12);
        if (both >= YieldDays / 3 && determinant > 1e-6 * s11 * s22)
        {
            var a = ((t1 * s22) - (t2 * s12)) / determinant;
            var b = ((s11 * t2) - (s12 * t1)) / determinant;
            if (a >= 0 && b >= 0)
            {
                return new PvYield((float)a, (float)b);
            }
        }

        if (ratios.Count == 0)
        {
            return new PvYield(float.NaN, 0);
        }

        ratios.Sort();
        return new PvYield(ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2, 0);
    }


    private float KnownPv(long slot, long issue) => AuroraFeatures.Known(history, history.Pv, slot, issue);
}
