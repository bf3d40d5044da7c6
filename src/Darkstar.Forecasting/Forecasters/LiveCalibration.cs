using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;

namespace Darkstar.Forecasting.Forecasters;

/// <summary>
/// What Aurora's own recent errors say about its next forecast, measured afresh each local day from the
/// <see cref="Days"/> days before it: how much of the load's error in the hours just measured lasts into each coming
/// hour (the first hours' correction), and how far the p10–p90 band must move so that it held 80 % of recent outcomes
/// at each lead time (conformal intervals on recent residuals). The trees learn a season; these follow the weeks
/// in which it turns, and the hours after a surprise.
/// </summary>
public sealed class LiveCalibration
{
    /// <summary>The days of recent errors measured.</summary>
    public const int Days = 14;

    /// <summary>The share of recent outcomes the p10–p90 band is made to hold.</summary>
    public const double Coverage = 0.8;

    /// <summary>Scores a lead time's band needs before it is moved; with fewer it is left as the models gave it.</summary>
    public const int MinimumScores = 100;

    /// <summary>Hours ahead the load's latest error is carried into (each hour its own share, learned).</summary>
    public const int CorrectionHours = 24;

    /// <summary>
    /// The slots before the issue whose mean error is the latest one: the last six hours. On the Konstanz home an
    /// hour's error says less of the next hours than the last six's mean does (correlation 0.14 against 0.20): a
    /// heat pump's cycles and the household's hours are noisy, a level that lasts is what carries.
    /// </summary>
    public const int ErrorSlots = 6 * SlotGrid.SlotsPerHour;

    /// <summary>The lead times whose bands are calibrated apart, in hours: their upper ends.</summary>
    private static readonly double[] BandEnds = [1, 6, 24];

    private readonly double[] _carry;
    private readonly double[] _loadShift;
    private readonly double[] _pvShift;

    private LiveCalibration(double[] carry, double[] loadShift, double[] pvShift)
    {
        _carry = carry;
        _loadShift = loadShift;
        _pvShift = pvShift;
    }

    /// <summary>None: no correction, the bands as the models gave them.</summary>
    public static readonly LiveCalibration None = new(new double[CorrectionHours], new double[BandEnds.Length], new double[BandEnds.Length]);

    /// <summary>The share of the latest error carried <paramref name="leadHours"/> ahead (0 to 1).</summary>
    public double Carry(int leadHours) => leadHours >= 0 && leadHours < _carry.Length ? _carry[leadHours] : 0;

    /// <summary>kWh added to the load's p90 and taken from its p10 at this lead time.</summary>
    public double LoadShift(double leadHours) => _loadShift[Band(leadHours)];

    /// <summary>The share of the PV envelope added to PV's p90 and taken from its p10 at this lead time.</summary>
    public double PvShift(double leadHours) => _pvShift[Band(leadHours)];

    private static int Band(double leadHours)
    {
        for (var b = 0; b < BandEnds.Length; b++)
        {
            if (leadHours < BandEnds[b])
            {
                return b;
            }
        }

        return BandEnds.Length - 1;
    }

    /// <summary>
    /// The load's error in the hours before <paramref name="issue"/>: measured load (without the car, which
    /// <see cref="CarSession"/> follows) less the p50 forecast at the start of its local day; NaN with fewer than
    /// half of its slots measured.
    /// </summary>
    internal static double LatestError(SlotHistory history, long issue, Func<long, double> dayAheadP50)
    {
        var sum = 0.0;
        var count = 0;
        for (var s = issue - ErrorSlots; s < issue; s++)
        {
            var load = AuroraFeatures.Known(history, history.Load, s, issue);
            var p50 = history.Contains(s) ? dayAheadP50(s) : double.NaN;
            if (!float.IsNaN(load) && !double.IsNaN(p50))
            {
                sum += load - CarDraw(history, s) - p50;
                count++;
            }
        }

        return count * 2 >= ErrorSlots ? sum / count : double.NaN;
    }

    /// <summary>The forecast as corrected: the load moved by its latest error's carry, then the bands moved by the lead's shift.</summary>
    public (QuantileTriple Load, QuantileTriple Pv) Apply(QuantileTriple load, QuantileTriple pv, double leadHours, double latestError, double pvEnvelope)
    {
        var carried = double.IsNaN(latestError) ? 0 : Carry((int)Math.Floor(leadHours)) * latestError;
        var loadShift = LoadShift(leadHours);
        var correctedLoad = Ordered(load.P10 + carried - loadShift, load.P50 + carried, load.P90 + carried + loadShift);
        if (pv.P90 <= 0)
        {
            // The sun is down: PV is zero, whatever the band's shift.
            return (correctedLoad, pv);
        }

        var pvShift = PvShift(leadHours) * pvEnvelope;
        return (correctedLoad, Ordered(pv.P10 - pvShift, pv.P50, pv.P90 + pvShift));
    }

    /// <summary>p10 at most p50 at most p90, none below 0: a band narrowed past its median closes on it.</summary>
    private static QuantileTriple Ordered(double p10, double p50, double p90)
    {
        var median = Math.Max(0, p50);
        return new QuantileTriple(Math.Clamp(p10, 0, median), median, Math.Max(median, p90));
    }

    /// <summary>
    /// Measures the calibration for forecasts issued on local day <paramref name="day"/>: the model forecasts each of
    /// the <see cref="Days"/> days before it from that day's local midnight, and every hour of them is taken as an
    /// issue time whose next <see cref="CorrectionHours"/> hours (up to the day's start) are scored. Only slots
    /// that had ended by the day's start are read, so no forecast made on it learns from its own outcomes.
    /// </summary>
    public static LiveCalibration Measure(AuroraModel model, AuroraFeatures features, SlotHistory history, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(history);
        var zone = history.Site.TimeZone;
        var end = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(day, zone));
        var start = Math.Max(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(day.AddDays(-Days), zone)), history.Range.FirstIndex);
        if (end <= start)
        {
            return None;
        }

        // Day-ahead forecasts of every slot in the recent days, each from its own local midnight.
        var pairs = new List<(long Issue, long Target)>((int)(end - start));
        for (var s = start; s < end; s++)
        {
            pairs.Add((SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(features.DayOf(s), zone)), s));
        }

        var predicted = model.Predict(features, pairs);
        var count = (int)(end - start);
        var p50 = new double[count];
        for (var i = 0; i < count; i++)
        {
            p50[i] = predicted[i].Load.P50;
        }

        double DayAheadP50(long s) => s >= start && s < end ? p50[s - start] : double.NaN;

        // The carry: for each lead hour, the least-squares share of the latest error that the error then repeats.
        var products = new double[CorrectionHours];
        var squares = new double[CorrectionHours];
        var issues = new List<(long Issue, double Error)>();
        for (var issue = start + ErrorSlots; issue < end; issue += SlotGrid.SlotsPerHour)
        {
            var error = LatestError(history, issue, DayAheadP50);
            if (double.IsNaN(error))
            {
                continue;
            }

            issues.Add((issue, error));
            for (var s = issue; s < Math.Min(end, issue + (CorrectionHours * SlotGrid.SlotsPerHour)); s++)
            {
                var load = history.Load[history.PositionOf(s)];
                if (!float.IsNaN(load))
                {
                    var lead = (int)((s - issue) / SlotGrid.SlotsPerHour);
                    products[lead] += error * (load - CarDraw(history, s) - p50[s - start]);
                    squares[lead] += error * error;
                }
            }
        }

        var carry = new double[CorrectionHours];
        for (var h = 0; h < CorrectionHours; h++)
        {
            carry[h] = squares[h] > 0 ? Math.Clamp(products[h] / squares[h], 0, 1) : 0;
        }

        // The bands: the nonconformity of each corrected forecast at each lead, per band of leads.
        var loadScores = BandEnds.Select(_ => new List<double>()).ToArray();
        var pvScores = BandEnds.Select(_ => new List<double>()).ToArray();
        var envelopes = new Dictionary<long, double>();
        foreach (var (issue, error) in issues)
        {
            for (var s = issue; s < Math.Min(end, issue + (CorrectionHours * SlotGrid.SlotsPerHour)); s++)
            {
                var position = history.PositionOf(s);
                var leadHours = (s - issue) / (double)SlotGrid.SlotsPerHour;
                var band = Band(leadHours);
                var (load, pv) = predicted[(int)(s - start)];
                var carried = carry[(int)leadHours] * error;
                var actualLoad = history.Load[position];
                if (!float.IsNaN(actualLoad))
                {
                    loadScores[band].Add(Math.Max(load.P10 + carried - actualLoad, actualLoad - (load.P90 + carried)));
                }

                var actualPv = history.Pv[position];
                if (!float.IsNaN(actualPv) && features.SunElevation(s) > AuroraModel.SunDownElevation)
                {
                    var dayIssue = pairs[(int)(s - start)].Issue;
                    if (!envelopes.TryGetValue(s, out var envelope))
                    {
                        envelopes[s] = envelope = Math.Max(features.PvEnvelope(dayIssue, s), 1e-3);
                    }

                    pvScores[band].Add(Math.Max(pv.P10 - actualPv, actualPv - pv.P90) / envelope);
                }
            }
        }

        return new LiveCalibration(carry, [.. loadScores.Select(ConformalShift)], [.. pvScores.Select(ConformalShift)]);
    }

    /// <summary>The conformal rank of the scores at <see cref="Coverage"/>: the shift that makes the band hold that share; 0 with too few.</summary>
    internal static double ConformalShift(IReadOnlyList<double> scores) =>
        scores.Count < MinimumScores ? 0 : Metrics.ConformalRank(scores, Coverage);

    private static double CarDraw(SlotHistory history, long slot)
    {
        var ev = history.Ev[history.PositionOf(slot)];
        return float.IsNaN(ev) ? 0 : ev;
    }
}
