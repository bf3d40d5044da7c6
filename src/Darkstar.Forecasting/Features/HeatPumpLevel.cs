namespace Darkstar.Forecasting.Features;

/// <summary>
/// The heat pump's level: its energy per slot expected on a local day, as known after the latest complete day, from
/// the days' mean heat pump energy and temperatures (<see cref="AuroraFeature.HeatPumpLevelKwh"/>). Load is learned
/// relative to the house's own rhythm plus this level, in a home that meters its heat pump.
/// </summary>
/// <param name="dayHeatPump">Each local day's mean heat pump energy per slot; NaN where too little of it was metered.</param>
/// <param name="dayTemperature">Each local day's mean temperature; NaN where unknown.</param>
public sealed class HeatPumpLevel(float[] dayHeatPump, float[] dayTemperature)
{
    /// <summary>The days behind the issue time whose heat pump energy against their temperature makes the heat pump's level.</summary>
    public const int Days = 28;

    /// <summary>Days with both a heat pump energy and a temperature the heat pump's level needs; with fewer it is unknown.</summary>
    public const int MinimumDays = 7;

    /// <summary>
    /// The days whose surprises (the heat pump's energy less what its weather implied the day before) measure how much
    /// of a day's surprise carries into the next.
    /// </summary>
    public const int PersistenceDays = 56;

    /// <summary>Pairs of consecutive surprises the carry-over needs; with fewer, none is assumed.</summary>
    public const int PersistenceMinimumPairs = 14;

    /// <summary>The most of a day's surprise carried into the next, so that a run of cold days is never extrapolated.</summary>
    public const double MaximumPersistence = 0.9;

    private readonly Dictionary<long, float> _levels = [];

    private readonly Dictionary<long, float> _weatherLevels = [];

    private readonly Dictionary<int, double> _persistence = [];

    /// <summary>
    /// The heat pump's energy per slot on day <paramref name="day"/> as known after <paramref name="lastDay"/>: its level
    /// at the day's weather (<see cref="WeatherLevel"/>) plus the part of the latest day's surprise that lasts
    /// (<see cref="Persistence"/>, once per day ahead), never below 0. A surprise lasts because what the daily
    /// weather misses (a cold night under a mild mean, wind, a house still warming up) is much the same the next day,
    /// and the plane of the last weeks lags a season on the turn. A heat pump's runs and hot-water boosts come at hours
    /// that drift from day to day, so a level is what can be known a day ahead; the trees place it in the day.
    /// </summary>
    public float At(int lastDay, int day)
    {
        var key = ((long)lastDay * dayHeatPump.Length) + day;
        if (_levels.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var level = WeatherLevel(lastDay, day);
        var surprise = Surprise(lastDay);
        if (!float.IsNaN(level) && !double.IsNaN(surprise))
        {
            level = (float)Math.Max(0, level + (Math.Pow(Persistence(lastDay), day - lastDay) * surprise));
        }

        _levels[key] = level;
        return level;
    }

    /// <summary>The heat pump's energy per slot on day <paramref name="day"/> less what its weather implied the day before; NaN where unknown.</summary>
    private double Surprise(int day)
    {
        if (day < 1 || float.IsNaN(dayHeatPump[day]))
        {
            return double.NaN;
        }

        var expected = WeatherLevel(day - 1, day);
        return float.IsNaN(expected) ? double.NaN : dayHeatPump[day] - expected;
    }

    /// <summary>
    /// The share of a day's surprise that the next day repeats, as known after <paramref name="lastDay"/>: the
    /// least-squares slope of each surprise on the day before's over the <see cref="PersistenceDays"/> days
    /// before <paramref name="lastDay"/>, between 0 and <see cref="MaximumPersistence"/>; 0 with fewer than
    /// <see cref="PersistenceMinimumPairs"/> consecutive pairs. The latest surprise, the one carried, does not
    /// set its own persistence: one large surprise after quiet days is not read as one that lasts.
    /// </summary>
    private double Persistence(int lastDay)
    {
        if (_persistence.TryGetValue(lastDay, out var cached))
        {
            return cached;
        }

        double products = 0, squares = 0;
        var pairs = 0;
        for (var d = lastDay - 1; d > lastDay - PersistenceDays && d >= 2; d--)
        {
            var surprise = Surprise(d);
            var before = Surprise(d - 1);
            if (!double.IsNaN(surprise) && !double.IsNaN(before))
            {
                products += surprise * before;
                squares += before * before;
                pairs++;
            }
        }

        var persistence = pairs < PersistenceMinimumPairs || squares <= 0 ? 0 : Math.Clamp(products / squares, 0, MaximumPersistence);
        _persistence[lastDay] = persistence;
        return persistence;
    }

    /// <summary>
    /// The heat pump's energy per slot on day <paramref name="day"/> at its weather, as known after
    /// <paramref name="lastDay"/>: a plane through the daily mean energy per slot against the day's
    /// mean temperature and the day before's over the last <see cref="Days"/> days, which tracks where the
    /// season has got to (a heating curve near the day's temperatures), never below 0. The day before counts because a
    /// house's walls and floor carry yesterday's cold into today. Without the day before's temperatures, or when they
    /// move with the day's own, a line in the day's temperature alone; without a degree of spread, the days' mean level.
    /// </summary>
    private float WeatherLevel(int lastDay, int day)
    {
        var key = ((long)lastDay * dayHeatPump.Length) + day;
        if (_weatherLevels.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var level = float.NaN;
        var temperature = dayTemperature[day];
        var before = day > 0 ? dayTemperature[day - 1] : float.NaN;
        var line = new LeastSquares();
        var plane = new LeastSquares();
        for (var d = lastDay; d > lastDay - Days && d >= 0; d--)
        {
            if (!float.IsNaN(dayHeatPump[d]) && !float.IsNaN(dayTemperature[d]))
            {
                line.Add(dayTemperature[d], 0, dayHeatPump[d]);
                if (d > 0 && !float.IsNaN(dayTemperature[d - 1]))
                {
                    plane.Add(dayTemperature[d], dayTemperature[d - 1], dayHeatPump[d]);
                }
            }
        }

        if (line.Count >= MinimumDays)
        {
            // A degree of spread is what a slope needs not to be noise; a day with no temperature gets the mean.
            var estimate = float.IsNaN(temperature) || line.VarianceX < 1
                ? line.MeanY
                : plane.Count >= MinimumDays && !float.IsNaN(before) && plane.TryPlane(temperature, before, out var fitted)
                    ? fitted
                    : line.Line(temperature);
            level = (float)Math.Max(0, estimate);
        }

        _weatherLevels[key] = level;
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
}
