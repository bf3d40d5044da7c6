using System.Reflection;
using System.Runtime.Serialization;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Features;

/// <summary>
/// The features of one (issue time, target slot) pair, in the columns <see cref="AuroraFeature"/> names. Measurements
/// are read only for slots that had ended by the issue time (<see cref="IsKnown"/>), so a forecast sees what its issuer
/// saw; weather for the target comes from <see cref="SlotHistory"/>, which holds observations for the past and, for
/// the future, what was forecast by then.
/// </summary>
public sealed class AuroraFeatures
{
    /// <summary>The columns' names in column order, as a saved model lists them.</summary>
    public static readonly IReadOnlyList<string> Names = [.. Enum.GetValues<AuroraFeature>().Select(NameOf)];

    /// <summary>The days the day-type load median reads; those of the target's type (weekday or weekend) count.</summary>
    public const int DayTypeMedianDays = 14;

    /// <summary>The days the long load median reads.</summary>
    public const int LongMedianDays = 28;

    /// <summary>
    /// Days of history before the issue time that the features read (the longest of <see cref="PvExpectation.YieldDays"/>,
    /// <see cref="LongMedianDays"/> and the heat pump's: <see cref="HeatPumpLevel.PersistenceDays"/> of surprises, the day
    /// before the first, and <see cref="HeatPumpLevel.Days"/> with their day before behind each; plus the second day of a
    /// 48-hour horizon): a forecast loaded with less would see other features than training did.
    /// </summary>
    public static readonly int HistoryDays = Math.Max(PvExpectation.YieldDays, Math.Max(LongMedianDays, HeatPumpLevel.PersistenceDays + 1 + HeatPumpLevel.Days + 1)) + 2;

    private readonly SlotHistory _history;
    private readonly int[] _slotOfDay;
    private readonly int[] _dayOfSlot;
    private readonly DateOnly[] _days;
    private readonly long[] _dayEndIndex;
    private readonly float[] _elevation;
    private readonly float[] _azimuth;
    private readonly float[] _clearSky;
    private readonly float[] _dayTemperature;
    private readonly float[] _dayRadiation;
    private readonly float[] _daySunshine;
    private readonly float[] _dayClearSky;
    private readonly float[] _dayPv;
    private readonly float[] _dayLoad;
    private readonly float[] _dayHeatPump;
    private readonly float[] _dayPvClearShare;
    private readonly PvExpectation _pv;
    private readonly HeatPumpLevel _heatPump;

    public AuroraFeatures(SlotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        _history = history;
        var count = history.Range.Count;
        _slotOfDay = new int[count];
        _dayOfSlot = new int[count];
        _elevation = new float[count];
        _azimuth = new float[count];
        _clearSky = new float[count];
        var site = history.Site;
        var days = new List<DateOnly>();
        for (var p = 0; p < count; p++)
        {
            var start = history.Range[p];
            var local = TimeZoneInfo.ConvertTime(start, site.TimeZone);
            var day = DateOnly.FromDateTime(local.DateTime);
            if (days.Count == 0 || days[^1] != day)
            {
                days.Add(day);
            }

            _dayOfSlot[p] = days.Count - 1;
            _slotOfDay[p] = (local.Hour * SlotGrid.SlotsPerHour) + (local.Minute / SlotGrid.MinutesPerSlot);
            var middle = start + (SlotGrid.SlotLength / 2);
            var elevation = SolarPosition.ElevationDegrees(middle, site.Latitude, site.Longitude);
            _elevation[p] = (float)elevation;
            _azimuth[p] = (float)SolarPosition.AzimuthDegrees(middle, site.Latitude, site.Longitude);
            _clearSky[p] = (float)SolarPosition.ClearSkyIrradiance(elevation);
        }

        _days = [.. days];
        _dayEndIndex = new long[_days.Length];
        _dayTemperature = new float[_days.Length];
        _dayRadiation = new float[_days.Length];
        _daySunshine = new float[_days.Length];
        _dayClearSky = new float[_days.Length];
        _dayPv = new float[_days.Length];
        _dayLoad = new float[_days.Length];
        _dayHeatPump = new float[_days.Length];
        _dayPvClearShare = new float[_days.Length];
        for (var d = 0; d < _days.Length; d++)
        {
            _dayEndIndex[d] = SlotGrid.LocalDay(_days[d], site.TimeZone).EndIndex;
        }

        Aggregate();
        _pv = new PvExpectation(history, _dayPv, _dayRadiation, _daySunshine, _dayTemperature, LastCompleteDay);
        _heatPump = new HeatPumpLevel(_dayHeatPump, _dayTemperature);
    }

    public static int Count => Names.Count;

    /// <summary>The name of column <paramref name="feature"/>, as a saved model lists it.</summary>
    public static string NameOf(AuroraFeature feature) =>
        typeof(AuroraFeature).GetField(feature.ToString())?.GetCustomAttribute<EnumMemberAttribute>()?.Value
            ?? throw new ArgumentOutOfRangeException(nameof(feature), feature, "Not a named feature column.");

    /// <summary>
    /// Features the PV models never see: the household's consumption says nothing about the sun, and with a season of
    /// data the trees would still find splits in it that do not hold the next week.
    /// </summary>
    public static readonly IReadOnlySet<AuroraFeature> LoadOnlyFeatures = new HashSet<AuroraFeature>
    {
        AuroraFeature.DayOfWeek, AuroraFeature.IsWeekend, AuroraFeature.Vacation, AuroraFeature.LoadSameSlotLast,
        AuroraFeature.LoadSameSlotWeekAgo, AuroraFeature.LoadSameSlot7DayMean, AuroraFeature.LoadLast24hMean,
        AuroraFeature.LoadLastHourMean, AuroraFeature.LoadSameDaytypeSlotMedian, AuroraFeature.LoadSameHourLast,
        AuroraFeature.LoadLastDayKwh, AuroraFeature.LoadLast7DaysMean, AuroraFeature.TemperatureChangeC,
        AuroraFeature.LoadSameSlot28DayMedian, AuroraFeature.HeatPumpLevelKwh, AuroraFeature.HeatPumpLast7DaysMean,
    };

    /// <summary>The names of <see cref="LoadOnlyFeatures"/>.</summary>
    public static readonly IReadOnlySet<string> LoadOnly = LoadOnlyFeatures.Select(NameOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>Blanks (NaN) the <see cref="LoadOnly"/> features of a row, which is then a PV model's row.</summary>
    public static void HideLoadOnly(Span<float> row)
    {
        foreach (var feature in LoadOnlyFeatures)
        {
            row[(int)feature] = float.NaN;
        }
    }

    /// <summary>
    /// The feature load is learned relative to: the median of the house's own load (<see cref="SlotHistory.HouseLoad"/>,
    /// without the car and the heat pump where they are metered) within an hour of the slot's time of day, over the
    /// days of the target's type (weekday or weekend) among the last <see cref="DayTypeMedianDays"/>.
    /// </summary>
    public static readonly string LoadReferenceName = NameOf(AuroraFeature.LoadSameDaytypeSlotMedian);

    /// <summary>
    /// The steadier level load is also learned relative to: the median of the house's own load at the same slot over
    /// the last <see cref="LongMedianDays"/> days.
    /// </summary>
    public static readonly string LongLoadReferenceName = NameOf(AuroraFeature.LoadSameSlot28DayMedian);

    /// <summary>
    /// The load a row's forecast is a correction of: the house's own load at the slot (the day type's median,
    /// <see cref="LoadReferenceName"/>, robust to an evening of car charging, else the mean of the last seven days, else 0)
    /// plus the heat pump's level for the target day (its weather and the latest surprise) where the home meters its heat pump. Known at issue time.
    /// </summary>
    public static float LoadReference(ReadOnlySpan<float> row)
    {
        var median = Column(row, AuroraFeature.LoadSameDaytypeSlotMedian);
        if (float.IsNaN(median))
        {
            median = Column(row, AuroraFeature.LoadLast7DaysMean);
        }

        return (float.IsNaN(median) ? 0 : median) + HeatPumpReference(row);
    }

    /// <summary>The long median (<see cref="LongLoadReferenceName"/>) plus the heat pump's level, else <see cref="LoadReference"/>.</summary>
    public static float LongLoadReference(ReadOnlySpan<float> row)
    {
        var median = Column(row, AuroraFeature.LoadSameSlot28DayMedian);
        return float.IsNaN(median) ? LoadReference(row) : median + HeatPumpReference(row);
    }

    private static float HeatPumpReference(ReadOnlySpan<float> row) =>
        float.IsNaN(Column(row, AuroraFeature.HeatPumpLevelKwh)) ? 0 : Column(row, AuroraFeature.HeatPumpLevelKwh);

    /// <summary>The feature a PV share is learned relative to: what the day's radiation implies, as a share of the envelope.</summary>
    public static readonly string PvReferenceName = NameOf(AuroraFeature.PvWeatherEstimateShare);

    /// <summary>The value of reference feature <paramref name="name"/> in <paramref name="row"/> (0 where unknown).</summary>
    public static float Reference(string name, ReadOnlySpan<float> row)
    {
        if (name == LoadReferenceName)
        {
            return LoadReference(row);
        }

        if (name == LongLoadReferenceName)
        {
            return LongLoadReference(row);
        }

        var value = name == PvReferenceName ? Column(row, AuroraFeature.PvWeatherEstimateShare) : throw new ArgumentException($"{name} is not a reference feature.", nameof(name));
        return float.IsNaN(value) || float.IsInfinity(value) ? 0 : value;
    }

    private static float Column(ReadOnlySpan<float> row, AuroraFeature feature) => row[(int)feature];

    /// <summary>The local day the slot at <paramref name="slotIndex"/> falls on.</summary>
    public DateOnly DayOf(long slotIndex) => _days[_dayOfSlot[_history.PositionOf(slotIndex)]];

    public float SunElevation(long slotIndex) => _elevation[_history.PositionOf(slotIndex)];

    public float ClearSky(long slotIndex) => _clearSky[_history.PositionOf(slotIndex)];

    /// <summary>A measurement of slot <paramref name="slotIndex"/> is known at issue slot <paramref name="issueIndex"/> when the slot had ended.</summary>
    public static bool IsKnown(long slotIndex, long issueIndex) => slotIndex < issueIndex;


    /// <summary>Fills <paramref name="values"/> with the features of target slot <paramref name="target"/> issued at slot <paramref name="issue"/>.</summary>
    public void Compute(long issue, long target, Span<float> values)
    {
        if (values.Length != Count)
        {
            throw new ArgumentException($"A feature row has {Count} values.", nameof(values));
        }

        var row = new FeatureRow(values);
        var p = _history.PositionOf(target);
        var day = _dayOfSlot[p];
        var date = _days[day];
        var slotOfDay = _slotOfDay[p];
        var timeAngle = 2 * Math.PI * slotOfDay / SlotGrid.SlotsPerUtcDay;
        var yearAngle = 2 * Math.PI * (date.DayOfYear - 1) / 365.25;
        row[AuroraFeature.SlotOfDay] = slotOfDay;
        row[AuroraFeature.TimeSin] = (float)Math.Sin(timeAngle);
        row[AuroraFeature.TimeCos] = (float)Math.Cos(timeAngle);
        row[AuroraFeature.DayOfWeek] = (int)date.DayOfWeek;
        row[AuroraFeature.IsWeekend] = IsWeekend(date) ? 1 : 0;
        row[AuroraFeature.Month] = date.Month;
        row[AuroraFeature.YearSin] = (float)Math.Sin(yearAngle);
        row[AuroraFeature.YearCos] = (float)Math.Cos(yearAngle);
        row[AuroraFeature.SunElevationDeg] = _elevation[p];
        row[AuroraFeature.ClearSkyWm2] = _clearSky[p];
        row[AuroraFeature.TemperatureC] = _history.Temperature[p];
        row[AuroraFeature.CloudCoverPct] = _history.CloudCover[p];
        row[AuroraFeature.RadiationWm2] = _history.Radiation[p];
        row[AuroraFeature.DayTemperatureC] = _dayTemperature[day];
        row[AuroraFeature.DayRadiationWm2] = _dayRadiation[day];
        var clearness = _dayClearSky[day] > 1 ? _dayRadiation[day] / _dayClearSky[day] : float.NaN;
        row[AuroraFeature.DayClearness] = clearness;
        row[AuroraFeature.ExpectedIrradianceWm2] = _clearSky[p] * clearness;
        row[AuroraFeature.LeadHours] = (target - issue) / (float)SlotGrid.SlotsPerHour;

        // The same slot on the latest day whose slot had ended at issue time, and the six days before it.
        var lagDays = (int)Math.Max(1, ((target - issue) / SlotGrid.SlotsPerUtcDay) + 1);

        row[AuroraFeature.LagDays] = lagDays;
        row[AuroraFeature.LoadSameSlotLast] = Known(_history.HouseLoad, target - (lagDays * SlotGrid.SlotsPerUtcDay), issue);
        row[AuroraFeature.LoadSameSlotWeekAgo] = Known(_history.HouseLoad, target - (7 * SlotGrid.SlotsPerUtcDay), issue);
        row[AuroraFeature.LoadSameSlot7DayMean] = SameSlotMean(_history.HouseLoad, target, lagDays, issue, out _);
        row[AuroraFeature.LoadLast24hMean] = RecentMean(_history.HouseLoad, issue, SlotGrid.SlotsPerUtcDay);
        row[AuroraFeature.LoadLastHourMean] = RecentMean(_history.HouseLoad, issue, SlotGrid.SlotsPerHour);
        row[AuroraFeature.PvSameSlotLast] = Known(_history.Pv, target - (lagDays * SlotGrid.SlotsPerUtcDay), issue);
        row[AuroraFeature.PvSameSlot7DayMean] = SameSlotMean(_history.Pv, target, lagDays, issue, out var pvMax);
        row[AuroraFeature.PvSameSlot7DayMax] = pvMax;
        row[AuroraFeature.PvYesterdayKwh] = LastCompleteDayPv(issue);
        row[AuroraFeature.Vacation] = _history.VacationDays.Contains(date) ? 1 : 0;
        row[AuroraFeature.SunAzimuthDeg] = _azimuth[p];
        row[AuroraFeature.LoadSameDaytypeSlotMedian] = SameSlotMedian(_history.HouseLoad, target, lagDays, issue, DayTypeMedianDays, MedianHalfWidth, sameDayType: true);
        row[AuroraFeature.LoadSameHourLast] = SameHourMean(_history.HouseLoad, target - (lagDays * SlotGrid.SlotsPerUtcDay), issue);
        var lastDay = LastCompleteDay(issue);
        row[AuroraFeature.LoadLastDayKwh] = lastDay < 0 ? float.NaN : _dayLoad[lastDay];
        row[AuroraFeature.LoadLast7DaysMean] = RecentMean(_history.HouseLoad, issue, 7 * SlotGrid.SlotsPerUtcDay);
        // The target day's temperature (forecast at issue time) against the latest day that had ended by then.
        row[AuroraFeature.TemperatureChangeC] = lastDay < 0 ? float.NaN : _dayTemperature[day] - _dayTemperature[lastDay];
        // How much of the clear-sky energy the panels turned into PV at this time of day lately, and yesterday.
        var envelope = _pv.Envelope(issue, target);
        row[AuroraFeature.PvClearShare7DayMax] = _elevation[p] > Forecasters.AuroraModel.SunDownElevation ? pvMax / envelope : float.NaN;
        row[AuroraFeature.PvClearShareLastDay] = lastDay < 0 ? float.NaN : _dayPvClearShare[lastDay];
        row[AuroraFeature.PvEnvelopeKwh] = envelope;
        var estimate = _pv.Estimate(issue, target, day, lastDay, row[AuroraFeature.PvSameSlot7DayMean]);
        row[AuroraFeature.PvWeatherEstimateKwh] = estimate.Kwh;
        row[AuroraFeature.PvWeatherEstimateShare] = estimate.Kwh / envelope;
        // What the panels gave on the latest complete day against what its weather implied: low after snow or dirt.
        row[AuroraFeature.PvLastDayVsWeather] = estimate.LastDayRatio;
        row[AuroraFeature.LoadSameSlot28DayMedian] = SameSlotMedian(_history.HouseLoad, target, lagDays, issue, LongMedianDays, 0, sameDayType: false);
        row[AuroraFeature.HeatPumpLevelKwh] = lastDay < 0 ? float.NaN : _heatPump.At(lastDay, day);
        row[AuroraFeature.HeatPumpLast7DaysMean] = RecentMean(_history.HeatPump, issue, 7 * SlotGrid.SlotsPerUtcDay);
    }

    /// <summary>
    /// The home's clear-day PV at the target's time of day, as known at issue time (<see cref="PvExpectation.Envelope"/>).
    /// </summary>
    public float PvEnvelope(long issue, long target) => _pv.Envelope(issue, target);

    /// <summary>A measurement of <paramref name="series"/> at <paramref name="slot"/> as known at <paramref name="issue"/>: NaN where unknown then.</summary>
    internal static float Known(SlotHistory history, float[] series, long slot, long issue) =>
        IsKnown(slot, issue) && history.Contains(slot) ? series[history.PositionOf(slot)] : float.NaN;

    private float Known(float[] series, long slot, long issue) => Known(_history, series, slot, issue);

    private float SameSlotMean(float[] series, long target, int lagDays, long issue, out float max)
    {
        var sum = 0.0;
        var count = 0;
        max = float.NaN;
        for (var d = lagDays; d < lagDays + 7; d++)
        {
            var value = Known(series, target - (d * SlotGrid.SlotsPerUtcDay), issue);
            if (!float.IsNaN(value))
            {
                sum += value;
                count++;
                max = float.IsNaN(max) ? value : Math.Max(max, value);
            }
        }

        return count == 0 ? float.NaN : (float)(sum / count);
    }

    /// <summary>
    /// The median of the same time of day, within <paramref name="width"/> slots either side, over the
    /// <paramref name="days"/> latest known days, or only those of the target's type (weekday or weekend): a robust
    /// level that an evening of car charging or a shifted heat-pump cycle does not move. The weekend's own days,
    /// because a household's weekend hours are not its working days' (on seven days they would be outvoted five to two).
    /// </summary>
    private float SameSlotMedian(float[] series, long target, int lagDays, long issue, int days, int width, bool sameDayType)
    {
        Span<float> values = stackalloc float[days * ((2 * width) + 1)];
        var count = 0;
        var targetDay = _days[_dayOfSlot[_history.PositionOf(target)]];
        for (var d = lagDays; d < lagDays + days; d++)
        {
            if (sameDayType && IsWeekend(targetDay.AddDays(-d)) != IsWeekend(targetDay))
            {
                continue;
            }

            for (var w = -width; w <= width; w++)
            {
                var value = Known(series, target - (d * SlotGrid.SlotsPerUtcDay) + w, issue);
                if (!float.IsNaN(value))
                {
                    values[count++] = value;
                }
            }
        }

        if (count == 0)
        {
            return float.NaN;
        }

        var known = values[..count];
        known.Sort();
        return count % 2 == 1 ? known[count / 2] : (known[(count / 2) - 1] + known[count / 2]) / 2;
    }

    /// <summary>Slots either side of the target's time of day that the day-type load median also reads: an hour each way.</summary>
    public const int MedianHalfWidth = 4;

    /// <summary>The mean of the known slots within half an hour either side of <paramref name="centre"/>.</summary>
    private float SameHourMean(float[] series, long centre, long issue)
    {
        var sum = 0.0;
        var count = 0;
        for (var s = centre - 2; s <= centre + 2; s++)
        {
            var value = Known(series, s, issue);
            if (!float.IsNaN(value))
            {
                sum += value;
                count++;
            }
        }

        return count == 0 ? float.NaN : (float)(sum / count);
    }

    private float RecentMean(float[] series, long issue, int slots)
    {
        var sum = 0.0;
        var count = 0;
        for (var s = issue - slots; s < issue; s++)
        {
            var value = Known(series, s, issue);
            if (!float.IsNaN(value))
            {
                sum += value;
                count++;
            }
        }

        return count == 0 ? float.NaN : (float)(sum / count);
    }

    /// <summary>PV of the latest local day that had ended by the issue time.</summary>
    private float LastCompleteDayPv(long issue)
    {
        var day = LastCompleteDay(issue);
        return day < 0 ? float.NaN : _dayPv[day];
    }

    /// <summary>The latest local day that had ended by the issue time, or −1.</summary>
    private int LastCompleteDay(long issue)
    {
        var from = _history.PositionOf(Math.Min(issue, _history.Range.EndIndex) - 1);
        if (from < 0)
        {
            return -1;
        }

        for (var d = _dayOfSlot[from]; d >= 0; d--)
        {
            if (_dayEndIndex[d] <= issue)
            {
                return d;
            }
        }

        return -1;
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private void Aggregate()
    {
        var count = _days.Length;
        var temperature = new double[count];
        var temperatureCount = new int[count];
        var radiation = new double[count];
        var cloud = new double[count];
        var cloudCount = new int[count];
        var radiationCount = new int[count];
        var clearSky = new double[count];
        var slots = new int[count];
        var pv = new double[count];
        var pvCount = new int[count];
        var load = new double[count];
        var loadCount = new int[count];
        var heatPump = new double[count];
        var heatPumpCount = new int[count];
        var pvClear = new double[count];
        var pvClearSky = new double[count];
        for (var p = 0; p < _history.Range.Count; p++)
        {
            var d = _dayOfSlot[p];
            slots[d]++;
            clearSky[d] += _clearSky[p];
            if (!float.IsNaN(_history.Temperature[p]))
            {
                temperature[d] += _history.Temperature[p];
                temperatureCount[d]++;
            }

            if (!float.IsNaN(_history.CloudCover[p]))
            {
                cloud[d] += _history.CloudCover[p];
                cloudCount[d]++;
            }

            if (!float.IsNaN(_history.Radiation[p]))
            {
                radiation[d] += _history.Radiation[p];
                radiationCount[d]++;
            }

            if (!float.IsNaN(_history.Pv[p]))
            {
                pv[d] += _history.Pv[p];
                pvCount[d]++;
                pvClear[d] += _history.Pv[p];
                pvClearSky[d] += _clearSky[p] / 1000 * 0.25;
            }

            if (!float.IsNaN(_history.HouseLoad[p]))
            {
                load[d] += _history.HouseLoad[p];
                loadCount[d]++;
            }

            if (!float.IsNaN(_history.HeatPump[p]))
            {
                heatPump[d] += _history.HeatPump[p];
                heatPumpCount[d]++;
            }
        }

        for (var d = 0; d < count; d++)
        {
            _dayTemperature[d] = temperatureCount[d] == 0 ? float.NaN : (float)(temperature[d] / temperatureCount[d]);
            _dayRadiation[d] = radiationCount[d] == 0 ? float.NaN : (float)(radiation[d] / radiationCount[d]);
            // Hours of sunshine the day's mean cloud cover implies: the share of the day length the sun was out.
            var dayLength = SolarPosition.Extraterrestrial(_days[d], _history.Site.Latitude).DayLengthHours;
            _daySunshine[d] = cloudCount[d] == 0 ? float.NaN : (float)((1 - (cloud[d] / cloudCount[d] / 100)) * dayLength);
            _dayClearSky[d] = slots[d] == 0 ? float.NaN : (float)(clearSky[d] / slots[d]);
            // A day with most of its PV measured is scaled up to the whole day; with less, it is unknown.
            _dayPv[d] = pvCount[d] >= slots[d] * 0.75 && slots[d] > 0 ? (float)(pv[d] * slots[d] / pvCount[d]) : float.NaN;
            _dayLoad[d] = loadCount[d] >= slots[d] * 0.5 && slots[d] > 0 ? (float)(load[d] * slots[d] / loadCount[d]) : float.NaN;
            // The heat pump's mean energy per slot over a day with most of it metered.
            _dayHeatPump[d] = heatPumpCount[d] >= slots[d] * 0.5 && slots[d] > 0 ? (float)(heatPump[d] / heatPumpCount[d]) : float.NaN;
            // PV per unit of clear-sky energy over the day's measured slots: the panels' yield on that day.
            _dayPvClearShare[d] = pvClearSky[d] > 0.5 ? (float)(pvClear[d] / pvClearSky[d]) : float.NaN;
        }
    }

    /// <summary>A feature row written by column.</summary>
    private readonly ref struct FeatureRow
    {
        private readonly Span<float> _values;

        public FeatureRow(Span<float> values)
        {
            _values = values;
        }

        public float this[AuroraFeature feature]
        {
            get => _values[(int)feature];
            set => _values[(int)feature] = value;
        }
    }
}
