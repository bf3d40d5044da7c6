using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Features;

/// <summary>
/// The features of one (issue time, target slot) pair. Measurements are read only for slots that had ended by the
/// issue time (<see cref="IsKnown"/>), so a forecast sees what its issuer saw; weather for the target comes from
/// <see cref="SlotHistory"/>, which holds observations for the past and, for the future, what was forecast by then.
/// </summary>
public sealed class AuroraFeatures
{
    public static readonly IReadOnlyList<string> Names =
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

    /// <summary>The days the day-type load median reads; those of the target's type (weekday or weekend) count.</summary>
    public const int DayTypeMedianDays = 14;

    /// <summary>The days the long load median reads.</summary>
    public const int LongMedianDays = 28;

    /// <summary>The days behind the issue time whose heat pump energy against their temperature makes the heat pump's level.</summary>
    public const int HeatPumpDays = 28;

    /// <summary>Days with both a heat pump energy and a temperature the heat pump's level needs; with fewer it is unknown.</summary>
    public const int HeatPumpMinimumDays = 7;

    /// <summary>
    /// The days whose surprises (the heat pump's energy less what its weather implied the day before) measure how much
    /// of a day's surprise carries into the next.
    /// </summary>
    public const int HeatPumpPersistenceDays = 56;

    /// <summary>Pairs of consecutive surprises the carry-over needs; with fewer, none is assumed.</summary>
    public const int HeatPumpPersistenceMinimumPairs = 14;

    /// <summary>The most of a day's surprise carried into the next, so that a run of cold days is never extrapolated.</summary>
    public const double HeatPumpMaximumPersistence = 0.9;

    /// <summary>
    /// Days of history before the issue time that the features read (the longest of <see cref="YieldDays"/>,
    /// <see cref="LongMedianDays"/> and the heat pump's: <see cref="HeatPumpPersistenceDays"/> of surprises, the day
    /// before the first, and <see cref="HeatPumpDays"/> with their day before behind each; plus the second day of a
    /// 48-hour horizon): a forecast loaded with less would see other features than training did.
    /// </summary>
    public static readonly int HistoryDays = Math.Max(YieldDays, Math.Max(LongMedianDays, HeatPumpPersistenceDays + 1 + HeatPumpDays + 1)) + 2;

    private readonly Dictionary<long, float> _heatPumpLevels = [];

    private readonly Dictionary<long, float> _heatPumpWeatherLevels = [];

    private readonly Dictionary<int, double> _heatPumpPersistence = [];

    private readonly Dictionary<long, PvProfile> _profiles = [];

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
            _slotOfDay[p] = (local.Hour * 4) + (local.Minute / 15);
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
    }

    public static int Count => Names.Count;

    /// <summary>
    /// Features the PV models never see: the household's consumption says nothing about the sun, and with a season of
    /// data the trees would still find splits in it that do not hold the next week.
    /// </summary>
    public static readonly IReadOnlySet<string> LoadOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "day_of_week", "is_weekend", "vacation", "load_same_slot_last", "load_same_slot_week_ago", "load_same_slot_7day_mean",
        "load_last_24h_mean", "load_last_hour_mean", "load_same_daytype_slot_median", "load_same_hour_last", "load_last_day_kwh",
        "load_last_7days_mean", "temperature_change_c", "load_same_slot_28day_median", "heat_pump_level_kwh",
        "heat_pump_last_7days_mean",
    };

    private static readonly int[] LoadOnlyColumns = [.. LoadOnly.Select(n => Names.ToList().IndexOf(n))];

    /// <summary>Blanks (NaN) the <see cref="LoadOnly"/> features of a row, which is then a PV model's row.</summary>
    public static void HideLoadOnly(Span<float> row)
    {
        foreach (var column in LoadOnlyColumns)
        {
            row[column] = float.NaN;
        }
    }

    /// <summary>
    /// The feature load is learned relative to: the median of the house's own load (<see cref="SlotHistory.HouseLoad"/>,
    /// without the car and the heat pump where they are metered) within an hour of the slot's time of day, over the
    /// days of the target's type (weekday or weekend) among the last <see cref="DayTypeMedianDays"/>.
    /// </summary>
    public const string LoadReferenceName = "load_same_daytype_slot_median";

    /// <summary>
    /// The steadier level load is also learned relative to: the median of the house's own load at the same slot over
    /// the last <see cref="LongMedianDays"/> days.
    /// </summary>
    public const string LongLoadReferenceName = "load_same_slot_28day_median";

    private static readonly int LoadReferenceColumn = Names.ToList().IndexOf(LoadReferenceName);
    private static readonly int LongLoadReferenceColumn = Names.ToList().IndexOf(LongLoadReferenceName);
    private static readonly int LoadRecentColumn = Names.ToList().IndexOf("load_last_7days_mean");

    /// <summary>
    /// The load a row's forecast is a correction of: the house's own load at the slot (the day type's median,
    /// <see cref="LoadReferenceName"/>, robust to an evening of car charging, else the mean of the last seven days, else 0)
    /// plus the heat pump's level for the target day (its weather and the latest surprise) where the home meters its heat pump. Known at issue time.
    /// </summary>
    public static float LoadReference(ReadOnlySpan<float> row)
    {
        var median = row[LoadReferenceColumn];
        if (float.IsNaN(median))
        {
            median = row[LoadRecentColumn];
        }

        return (float.IsNaN(median) ? 0 : median) + HeatPumpReference(row);
    }

    /// <summary>The long median (<see cref="LongLoadReferenceName"/>) plus the heat pump's level, else <see cref="LoadReference"/>.</summary>
    public static float LongLoadReference(ReadOnlySpan<float> row)
    {
        var median = row[LongLoadReferenceColumn];
        return float.IsNaN(median) ? LoadReference(row) : median + HeatPumpReference(row);
    }

    private static readonly int HeatPumpLevelColumn = Names.ToList().IndexOf("heat_pump_level_kwh");

    private static float HeatPumpReference(ReadOnlySpan<float> row) => float.IsNaN(row[HeatPumpLevelColumn]) ? 0 : row[HeatPumpLevelColumn];

    /// <summary>The feature a PV share is learned relative to: what the day's radiation implies, as a share of the envelope.</summary>
    public const string PvReferenceName = "pv_weather_estimate_share";

    private static readonly int PvReferenceColumn = Names.ToList().IndexOf(PvReferenceName);

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

        var value = name == PvReferenceName ? row[PvReferenceColumn] : throw new ArgumentException($"{name} is not a reference feature.", nameof(name));
        return float.IsNaN(value) || float.IsInfinity(value) ? 0 : value;
    }

    /// <summary>The local day the slot at <paramref name="slotIndex"/> falls on.</summary>
    public DateOnly DayOf(long slotIndex) => _days[_dayOfSlot[_history.PositionOf(slotIndex)]];

    public float SunElevation(long slotIndex) => _elevation[_history.PositionOf(slotIndex)];

    public float ClearSky(long slotIndex) => _clearSky[_history.PositionOf(slotIndex)];

    /// <summary>A measurement of slot <paramref name="slotIndex"/> is known at issue slot <paramref name="issueIndex"/> when the slot had ended.</summary>
    public static bool IsKnown(long slotIndex, long issueIndex) => slotIndex < issueIndex;

    /// <summary>Fills <paramref name="row"/> with the features of target slot <paramref name="target"/> issued at slot <paramref name="issue"/>.</summary>
    public void Compute(long issue, long target, Span<float> row)
    {
        if (row.Length != Count)
        {
            throw new ArgumentException($"A feature row has {Count} values.", nameof(row));
        }

        var p = _history.PositionOf(target);
        var day = _dayOfSlot[p];
        var date = _days[day];
        var slotOfDay = _slotOfDay[p];
        var timeAngle = 2 * Math.PI * slotOfDay / SlotGrid.SlotsPerUtcDay;
        var yearAngle = 2 * Math.PI * (date.DayOfYear - 1) / 365.25;
        row[0] = slotOfDay;
        row[1] = (float)Math.Sin(timeAngle);
        row[2] = (float)Math.Cos(timeAngle);
        row[3] = (int)date.DayOfWeek;
        row[4] = IsWeekend(date) ? 1 : 0;
        row[5] = date.Month;
        row[6] = (float)Math.Sin(yearAngle);
        row[7] = (float)Math.Cos(yearAngle);
        row[8] = _elevation[p];
        row[9] = _clearSky[p];
        row[10] = _history.Temperature[p];
        row[11] = _history.CloudCover[p];
        row[12] = _history.Radiation[p];
        row[13] = _dayTemperature[day];
        row[14] = _dayRadiation[day];
        var clearness = _dayClearSky[day] > 1 ? _dayRadiation[day] / _dayClearSky[day] : float.NaN;
        row[15] = clearness;
        row[16] = _clearSky[p] * clearness;
        row[17] = (target - issue) / 4f;

        // The same slot on the latest day whose slot had ended at issue time, and the six days before it.
        var lagDays = (int)Math.Max(1, ((target - issue) / SlotGrid.SlotsPerUtcDay) + 1);

        row[18] = lagDays;
        row[19] = Known(_history.HouseLoad, target - (lagDays * SlotGrid.SlotsPerUtcDay), issue);
        row[20] = Known(_history.HouseLoad, target - (7 * SlotGrid.SlotsPerUtcDay), issue);
        row[21] = SameSlotMean(_history.HouseLoad, target, lagDays, issue, out _);
        row[22] = RecentMean(_history.HouseLoad, issue, SlotGrid.SlotsPerUtcDay);
        row[23] = RecentMean(_history.HouseLoad, issue, 4);
        row[24] = Known(_history.Pv, target - (lagDays * SlotGrid.SlotsPerUtcDay), issue);
        row[25] = SameSlotMean(_history.Pv, target, lagDays, issue, out var pvMax);
        row[26] = pvMax;
        row[27] = LastCompleteDayPv(issue);
        row[28] = _history.VacationDays.Contains(date) ? 1 : 0;
        row[29] = _azimuth[p];
        row[30] = SameSlotMedian(_history.HouseLoad, target, lagDays, issue, DayTypeMedianDays, MedianHalfWidth, sameDayType: true);
        row[31] = SameHourMean(_history.HouseLoad, target - (lagDays * SlotGrid.SlotsPerUtcDay), issue);
        var lastDay = LastCompleteDay(issue);
        row[32] = lastDay < 0 ? float.NaN : _dayLoad[lastDay];
        row[33] = RecentMean(_history.HouseLoad, issue, 7 * SlotGrid.SlotsPerUtcDay);
        // The target day's temperature (forecast at issue time) against the latest day that had ended by then.
        row[34] = lastDay < 0 ? float.NaN : _dayTemperature[day] - _dayTemperature[lastDay];
        // How much of the clear-sky energy the panels turned into PV at this time of day lately, and yesterday.
        var envelope = PvEnvelope(issue, target);
        row[35] = _elevation[p] > Forecasters.AuroraModel.SunDownElevation ? pvMax / envelope : float.NaN;
        row[36] = lastDay < 0 ? float.NaN : _dayPvClearShare[lastDay];
        row[37] = envelope;
        // Without a radiation forecast the best guess at the day's PV is the recent days' own.
        var estimate = PvWeatherEstimate(issue, target, day);
        estimate = float.IsNaN(estimate) ? row[25] : estimate;
        // Snow on the panels: a day that gave far less than its weather implied, followed by a freezing one, keeps
        // the panels covered; the estimate follows the covered day's yield rather than the sky.
        var lastRatio = lastDay < 0 ? float.NaN : LastDayAgainstWeather(issue, lastDay);
        if (lastRatio < CoveredYieldRatio && _dayTemperature[day] <= FreezingDayMeanC)
        {
            estimate *= lastRatio;
        }

        row[38] = estimate;
        row[39] = estimate / envelope;
        // What the panels gave on the latest complete day against what its weather implied: low after snow or dirt.
        row[40] = lastRatio;
        row[41] = SameSlotMedian(_history.HouseLoad, target, lagDays, issue, LongMedianDays, 0, sameDayType: false);
        row[42] = lastDay < 0 ? float.NaN : HeatPumpLevel(lastDay, day);
        row[43] = RecentMean(_history.HeatPump, issue, 7 * SlotGrid.SlotsPerUtcDay);
    }

    /// <summary>
    /// The heat pump's energy per slot on day <paramref name="day"/> as known after <paramref name="lastDay"/>: its level
    /// at the day's weather (<see cref="HeatPumpWeatherLevel"/>) plus the part of the latest day's surprise that lasts
    /// (<see cref="HeatPumpPersistence"/>, once per day ahead), never below 0. A surprise lasts because what the daily
    /// weather misses (a cold night under a mild mean, wind, a house still warming up) is much the same the next day,
    /// and the plane of the last weeks lags a season on the turn. A heat pump's runs and hot-water boosts come at hours
    /// that drift from day to day, so a level is what can be known a day ahead; the trees place it in the day.
    /// </summary>
    private float HeatPumpLevel(int lastDay, int day)
    {
        var key = ((long)lastDay * _days.Length) + day;
        if (_heatPumpLevels.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var level = HeatPumpWeatherLevel(lastDay, day);
        var surprise = HeatPumpSurprise(lastDay);
        if (!float.IsNaN(level) && !double.IsNaN(surprise))
        {
            level = (float)Math.Max(0, level + (Math.Pow(HeatPumpPersistence(lastDay), day - lastDay) * surprise));
        }

        _heatPumpLevels[key] = level;
        return level;
    }

    /// <summary>The heat pump's energy per slot on day <paramref name="day"/> less what its weather implied the day before; NaN where unknown.</summary>
    private double HeatPumpSurprise(int day)
    {
        if (day < 1 || float.IsNaN(_dayHeatPump[day]))
        {
            return double.NaN;
        }

        var expected = HeatPumpWeatherLevel(day - 1, day);
        return float.IsNaN(expected) ? double.NaN : _dayHeatPump[day] - expected;
    }

    /// <summary>
    /// The share of a day's surprise that the next day repeats, as known after <paramref name="lastDay"/>: the
    /// least-squares slope of each surprise on the day before's over the <see cref="HeatPumpPersistenceDays"/> days
    /// before <paramref name="lastDay"/>, between 0 and <see cref="HeatPumpMaximumPersistence"/>; 0 with fewer than
    /// <see cref="HeatPumpPersistenceMinimumPairs"/> consecutive pairs. The latest surprise, the one carried, does not
    /// set its own persistence: one large surprise after quiet days is not read as one that lasts.
    /// </summary>
    private double HeatPumpPersistence(int lastDay)
    {
        if (_heatPumpPersistence.TryGetValue(lastDay, out var cached))
        {
            return cached;
        }

        double products = 0, squares = 0;
        var pairs = 0;
        for (var d = lastDay - 1; d > lastDay - HeatPumpPersistenceDays && d >= 2; d--)
        {
            var surprise = HeatPumpSurprise(d);
            var before = HeatPumpSurprise(d - 1);
            if (!double.IsNaN(surprise) && !double.IsNaN(before))
            {
                products += surprise * before;
                squares += before * before;
                pairs++;
            }
        }

        var persistence = pairs < HeatPumpPersistenceMinimumPairs || squares <= 0 ? 0 : Math.Clamp(products / squares, 0, HeatPumpMaximumPersistence);
        _heatPumpPersistence[lastDay] = persistence;
        return persistence;
    }

    /// <summary>
    /// The heat pump's energy per slot on day <paramref name="day"/> at its weather, as known after
    /// <paramref name="lastDay"/>: a plane through the daily mean energy per slot against the day's
    /// mean temperature and the day before's over the last <see cref="HeatPumpDays"/> days, which tracks where the
    /// season has got to (a heating curve near the day's temperatures), never below 0. The day before counts because a
    /// house's walls and floor carry yesterday's cold into today. Without the day before's temperatures, or when they
    /// move with the day's own, a line in the day's temperature alone; without a degree of spread, the days' mean level.
    /// </summary>
    private float HeatPumpWeatherLevel(int lastDay, int day)
    {
        var key = ((long)lastDay * _days.Length) + day;
        if (_heatPumpWeatherLevels.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var level = float.NaN;
        var temperature = _dayTemperature[day];
        var before = day > 0 ? _dayTemperature[day - 1] : float.NaN;
        var line = new LeastSquares();
        var plane = new LeastSquares();
        for (var d = lastDay; d > lastDay - HeatPumpDays && d >= 0; d--)
        {
            if (!float.IsNaN(_dayHeatPump[d]) && !float.IsNaN(_dayTemperature[d]))
            {
                line.Add(_dayTemperature[d], 0, _dayHeatPump[d]);
                if (d > 0 && !float.IsNaN(_dayTemperature[d - 1]))
                {
                    plane.Add(_dayTemperature[d], _dayTemperature[d - 1], _dayHeatPump[d]);
                }
            }
        }

        if (line.Count >= HeatPumpMinimumDays)
        {
            // A degree of spread is what a slope needs not to be noise; a day with no temperature gets the mean.
            var estimate = float.IsNaN(temperature) || line.VarianceX < 1
                ? line.MeanY
                : plane.Count >= HeatPumpMinimumDays && !float.IsNaN(before) && plane.TryPlane(temperature, before, out var fitted)
                    ? fitted
                    : line.Line(temperature);
            level = (float)Math.Max(0, estimate);
        }

        _heatPumpWeatherLevels[key] = level;
        return level;
    }

    /// <summary>Sums for a least-squares fit of y against x (a line) or against x and z (a plane).</summary>
    private struct LeastSquares
    {
        private double _x, _z, _y, _xx, _zz, _xz, _xy, _zy;

        public int Count { get; private set; }

        public readonly double MeanY => _y / Count;

        public readonly double VarianceX => (_xx / Count) - ((_x / Count) * (_x / Count));

        public void Add(double x, double z, double y)
        {
            Count++;
            _x += x;
            _z += z;
            _y += y;
            _xx += x * x;
            _zz += z * z;
            _xz += x * z;
            _xy += x * y;
            _zy += z * y;
        }

        public readonly double Line(double x)
        {
            var mx = _x / Count;
            var slope = ((_xy / Count) - (mx * MeanY)) / VarianceX;
            return MeanY + (slope * (x - mx));
        }

        /// <summary>The plane at (x, z); false when x and z move together too closely to tell their slopes apart.</summary>
        public readonly bool TryPlane(double x, double z, out double y)
        {
            var mx = _x / Count;
            var mz = _z / Count;
            var sxx = VarianceX;
            var szz = (_zz / Count) - (mz * mz);
            var sxz = (_xz / Count) - (mx * mz);
            var sxy = (_xy / Count) - (mx * MeanY);
            var szy = (_zy / Count) - (mz * MeanY);
            var determinant = (sxx * szz) - (sxz * sxz);
            // Correlation above 0.99 between the two days' temperatures leaves the split of the slope to noise.
            if (szz < 1 || determinant <= 0.02 * sxx * szz)
            {
                y = double.NaN;
                return false;
            }

            var slopeX = ((sxy * szz) - (szy * sxz)) / determinant;
            var slopeZ = ((szy * sxx) - (sxy * sxz)) / determinant;
            y = MeanY + (slopeX * (x - mx)) + (slopeZ * (z - mz));
            return true;
        }
    }

    private float LastDayAgainstWeather(long issue, int lastDay)
    {
        var yield = Profile(issue).Yield;
        var expected = (yield.PerRadiation * _dayRadiation[lastDay])
            + (yield.PerSunshineHour > 0 && !float.IsNaN(_daySunshine[lastDay]) ? yield.PerSunshineHour * _daySunshine[lastDay] : 0);
        return float.IsNaN(expected) || expected <= 0.1f || float.IsNaN(_dayPv[lastDay]) ? float.NaN : _dayPv[lastDay] / expected;
    }

    /// <summary>
    /// PV the target day's radiation implies, known at issue time: the home's median yield (daily PV per W/m² of daily
    /// mean radiation) over the <see cref="YieldDays"/> days before the issue, times the day's radiation, spread over
    /// the day by the mean of the envelope's shape and the last <see cref="ShapeDays"/> days' mean profile (clear days
    /// follow the envelope, cloudy days are flatter).
    /// </summary>
    private float PvWeatherEstimate(long issue, long target, int day)
    {
        var profile = Profile(issue);
        var radiation = _dayRadiation[day];
        if (float.IsNaN(profile.Yield.PerRadiation) || float.IsNaN(radiation))
        {
            return float.NaN;
        }

        var sunshine = profile.Yield.PerSunshineHour > 0 && !float.IsNaN(_daySunshine[day]) ? _daySunshine[day] : 0;
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
    public float PvEnvelope(long issue, long target) => Profile(issue).Envelope[SlotOfUtcDay(target)];

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

        var envelope = Envelope(issue);
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

    private float[] Envelope(long issue)
    {
        var best = new float[SlotGrid.SlotsPerUtcDay];
        Array.Fill(best, float.NaN);
        for (var slot = issue - (EnvelopeDays * SlotGrid.SlotsPerUtcDay) - 1; slot < issue; slot++)
        {
            var value = Known(_history.Pv, slot, issue);
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
                var value = Known(_history.Pv, slot, issue);
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
                var value = Known(_history.Pv, slot, issue);
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
        var last = LastCompleteDay(issue);
        var ratios = new List<float>(YieldDays);
        double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
        var both = 0;
        for (var d = last; d >= 0 && d > last - YieldDays; d--)
        {
            if (float.IsNaN(_dayPv[d]) || !(_dayRadiation[d] > 1))
            {
                continue;
            }

            ratios.Add(_dayPv[d] / _dayRadiation[d]);
            if (!float.IsNaN(_daySunshine[d]))
            {
                s11 += _dayRadiation[d] * _dayRadiation[d];
                s12 += _dayRadiation[d] * _daySunshine[d];
                s22 += _daySunshine[d] * _daySunshine[d];
                t1 += _dayRadiation[d] * _dayPv[d];
                t2 += _daySunshine[d] * _dayPv[d];
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

    private float Known(float[] series, long slot, long issue) =>
        IsKnown(slot, issue) && _history.Contains(slot) ? series[_history.PositionOf(slot)] : float.NaN;

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
}
