using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;

namespace Darkstar.Simulation.Sources;

/// <summary>
/// Replays a home data set (<see cref="HomeDataset"/>: home.yaml, meters.csv, prices.csv, weather_daily.csv): hourly cumulative
/// kWh readings with gaps become hourly average powers (a gap's energy spread evenly over its hours), the
/// load is Δimport − Δexport + Δpv, prices come from EUR/MWh, the hourly weather from daily means. The optional
/// heat pump and car charger meters (<c>heat_pump_kwh</c>, <c>ev_kwh</c>) are parts of that load.
/// </summary>
public sealed class ReplaySource : IHomeSource
{
    private readonly DateTimeOffset _firstHour;
    private readonly double[] _import;
    private readonly double[] _export;
    private readonly double[] _pv;
    private readonly double[] _load;
    private readonly double[] _heatPump;
    private readonly double[] _car;
    private readonly Dictionary<string, double> _firstReadings;
    private readonly List<PricePoint> _prices;
    private readonly Dictionary<DateOnly, DailyWeather> _weather;
    private readonly Dictionary<DateOnly, double> _clearnessByDay = [];

    private ReplaySource(HomeSite site, HomeMarket market, DateTimeOffset firstHour, MeterDeltas meters, Dictionary<string, double> firstReadings, List<PricePoint> prices, Dictionary<DateOnly, DailyWeather> weather)
    {
        Site = site;
        Market = market;
        _firstHour = firstHour;
        _import = meters.Import;
        _export = meters.Export;
        _pv = meters.Pv;
        _heatPump = meters.HeatPump;
        _car = meters.Car;
        _load = new double[_import.Length];
        for (var hour = 0; hour < _import.Length; hour++)
        {
            _load[hour] = _import[hour] - _export[hour] + _pv[hour];
        }

        _firstReadings = firstReadings;
        _prices = prices;
        _weather = weather;
    }

    public HomeSite Site { get; }

    public HomeMarket Market { get; }

    /// <summary>The first and last hours the meters cover.</summary>
    public DateTimeOffset FirstHour => _firstHour;

    public DateTimeOffset EndHour => _firstHour.AddHours(_import.Length);

    /// <summary>Reads a data set folder; errors (<see cref="DatasetFormatException"/>) name the file and line.</summary>
    public static ReplaySource Load(string folder) => From(HomeDataset.Load(folder));

    /// <summary>Replays <paramref name="dataset"/>, which must state where the home is (the sun is simulated).</summary>
    public static ReplaySource From(HomeDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var site = dataset.Site
            ?? throw new DatasetFormatException($"{Path.Combine(dataset.Folder, "home.yaml")}: 'latitude' and 'longitude' are needed to replay the home's sun.");
        var market = new HomeMarket(
            dataset.Currency,
            dataset.PriceArea ?? (dataset.Currency == "EUR" ? "DE-LU" : "SE3"),
            dataset.Country ?? (dataset.Currency == "EUR" ? "DE" : "SE"));

        var metersPath = Path.Combine(dataset.Folder, "meters.csv");
        var columns = dataset.MeterColumns.ToList();
        int Column(string name) => columns.IndexOf(name) is var index and >= 0
            ? index
            : throw new DatasetFormatException($"{metersPath}: column '{name}' is missing.");
        var importColumn = Column("grid_import_kwh");
        var exportColumn = Column("grid_export_kwh");
        var pvColumn = Column("pv_kwh");
        if (dataset.Meters.Count < 2)
        {
            throw new DatasetFormatException($"{metersPath}: fewer than two readings.");
        }

        var first = dataset.Meters[0].At;
        var hours = checked((int)((dataset.Meters[^1].At - first).Ticks / TimeSpan.TicksPerHour));
        var firstReadings = new Dictionary<string, double>();
        var import = HourlyDeltas(dataset.Meters, importColumn, hours, firstReadings, MeterNames.GridImport);
        var export = HourlyDeltas(dataset.Meters, exportColumn, hours, firstReadings, MeterNames.GridExport);
        var pv = HourlyDeltas(dataset.Meters, pvColumn, hours, firstReadings, MeterNames.Pv);
        double[] SubMeter(string column, string meter) => columns.IndexOf(column) is var index and >= 0
            ? HourlyDeltas(dataset.Meters, index, hours, firstReadings, meter)
            : new double[hours];
        var heatPump = SubMeter("heat_pump_kwh", MeterNames.HeatPump);
        var car = SubMeter("ev_kwh", MeterNames.EvCharger);

        var prices = dataset.Prices.Select(p => new PricePoint(p.Start, p.Start.AddHours(1), p.PerMwh / 1000)).ToList();
        var weather = new Dictionary<DateOnly, DailyWeather>();
        foreach (var day in dataset.Weather)
        {
            var radiation = DailyRadiation.Check(day.Day, site.Latitude, day.GlobalRadiationWm2, day.SunshineHours).MeanWm2;
            weather[day.Day] = new DailyWeather(day.TemperatureC, radiation, day.SunshineHours);
        }

        return new ReplaySource(site, market, first, new MeterDeltas(import, export, pv, heatPump, car), firstReadings, prices, weather);
    }

    public DateTimeOffset DefaultStart(DateTimeOffset machineNow, TimeSpan history)
    {
        // The second whole local day after the first reading, so the day before it is history already, and later by
        // the history asked for, which must be the data set's own past.
        var firstDay = SlotGrid.LocalDateOf(_firstHour, Site.TimeZone).AddDays(2 + (int)Math.Ceiling(history.TotalDays));
        return SlotGrid.StartOfLocalDay(firstDay, Site.TimeZone);
    }

    public IReadOnlyDictionary<string, double> CountersAt(DateTimeOffset instant)
    {
        var hours = (int)Math.Clamp((instant - _firstHour).Ticks / TimeSpan.TicksPerHour, 0, _import.Length);
        double Sum(double[] deltas) => deltas.Take(hours).Sum();
        return new Dictionary<string, double>
        {
            [MeterNames.GridImport] = _firstReadings.GetValueOrDefault(MeterNames.GridImport) + Sum(_import),
            [MeterNames.GridExport] = _firstReadings.GetValueOrDefault(MeterNames.GridExport) + Sum(_export),
            [MeterNames.Pv] = _firstReadings.GetValueOrDefault(MeterNames.Pv) + Sum(_pv),
            [MeterNames.Load] = Sum(_load),
            [MeterNames.HeatPump] = _firstReadings.GetValueOrDefault(MeterNames.HeatPump) + Sum(_heatPump),
            [MeterNames.EvCharger] = _firstReadings.GetValueOrDefault(MeterNames.EvCharger) + Sum(_car),
        };
    }

    /// <summary>The data set's energy (kWh) of one meter in the hour starting at <paramref name="hourStart"/>.</summary>
    public double HourlyEnergy(string meter, DateTimeOffset hourStart)
    {
        var hour = HourIndex(hourStart);
        if (hour < 0)
        {
            return 0;
        }

        return meter switch
        {
            MeterNames.GridImport => _import[hour],
            MeterNames.GridExport => _export[hour],
            MeterNames.Pv => _pv[hour],
            MeterNames.Load => _load[hour],
            MeterNames.HeatPump => _heatPump[hour],
            MeterNames.EvCharger => _car[hour],
            _ => throw new ArgumentException($"'{meter}' is not a meter of a replayed home.", nameof(meter)),
        };
    }

    public HomeSample Sample(DateTimeOffset start, TimeSpan length)
    {
        var hour = HourIndex(start);
        if (hour < 0)
        {
            return new HomeSample(0, 0);
        }

        // The energy of an hour in kWh is its average power in kW.
        if (_load[hour] < 0)
        {
            // A gap spread differently over the grid and PV meters: the hour's gross flows do not add up.
            return new HomeSample(_pv[hour], 0);
        }

        // Sub-meters spread across a gap differently from the grid meters can add up to more than the hour's load:
        // scaled down to it, so the rest of the home never turns negative.
        var heatPump = _heatPump[hour];
        var car = _car[hour];
        var subMetered = heatPump + car;
        if (subMetered > _load[hour])
        {
            var share = _load[hour] / subMetered;
            heatPump *= share;
            car *= share;
        }

        return new HomeSample(_pv[hour], _load[hour], _import[hour], _export[hour], heatPump, car);
    }

    public WeatherSample Weather(DateTimeOffset instant)
    {
        var day = SlotGrid.LocalDateOf(instant, Site.TimeZone);
        var daily = _weather.GetValueOrDefault(day);
        var clearness = Clearness(day, daily);
        var clearSky = SolarPosition.ClearSkyIrradiance(instant, Site.Latitude, Site.Longitude);
        var hour = TimeZoneInfo.ConvertTime(instant, Site.TimeZone).TimeOfDay.TotalHours;
        var temperature = (daily.TemperatureMeanC ?? 10) + (4 * Math.Cos(2 * Math.PI * (hour - 15) / 24));
        // Invert Kasten and Czeplak's law: a day's clearness is 1 − 0.75·cloud^3.4.
        var cloud = Math.Pow(Math.Clamp((1 - clearness) / 0.75, 0, 1), 1 / 3.4);
        return new WeatherSample(Math.Round(temperature, 2), Math.Round(cloud * 100, 1), Math.Round(clearSky * clearness, 2));
    }

    public IReadOnlyList<PricePoint>? PricesForDay(DateOnly localDay)
    {
        var start = SlotGrid.StartOfLocalDay(localDay, Site.TimeZone);
        var end = SlotGrid.StartOfLocalDay(localDay.AddDays(1), Site.TimeZone);
        var day = _prices.Where(p => p.Start >= start && p.Start < end).ToList();
        return day.Count == 0 ? null : day;
    }

    private int HourIndex(DateTimeOffset instant)
    {
        var hour = (instant - _firstHour).Ticks / TimeSpan.TicksPerHour;
        return instant < _firstHour || hour >= _import.Length ? -1 : (int)hour;
    }

    private double Clearness(DateOnly day, DailyWeather daily)
    {
        lock (_clearnessByDay)
        {
            if (_clearnessByDay.TryGetValue(day, out var known))
            {
                return known;
            }

            var start = SlotGrid.StartOfLocalDay(day, Site.TimeZone);
            var end = SlotGrid.StartOfLocalDay(day.AddDays(1), Site.TimeZone);
            double clearSkySum = 0;
            var samples = 0;
            for (var t = start; t < end; t = t.AddMinutes(15))
            {
                clearSkySum += SolarPosition.ClearSkyIrradiance(t.AddMinutes(7.5), Site.Latitude, Site.Longitude);
                samples++;
            }

            var clearSkyMean = clearSkySum / Math.Max(samples, 1);
            var clearness = daily.GlobalRadiationWm2 is { } measured && clearSkyMean > 1
                ? Math.Clamp(measured / clearSkyMean, 0.05, 1)
                : 0.5;
            _clearnessByDay[day] = clearness;
            return clearness;
        }
    }

    private static double[] HourlyDeltas(IReadOnlyList<MeterRow> meters, int column, int hours, Dictionary<string, double> firstReadings, string meter)
    {
        var first = meters[0].At;
        var deltas = new double[hours];
        (int Hour, double Value)? previous = null;
        foreach (var row in meters)
        {
            if (row.Values[column] is not { } value)
            {
                continue;
            }

            var hour = (int)((row.At - first).Ticks / TimeSpan.TicksPerHour);
            if (previous is { } last)
            {
                // A missing run's energy is spread evenly over its hours; a drop (meter swap) counts as none.
                var perHour = Math.Max(value - last.Value, 0) / (hour - last.Hour);
                for (var h = last.Hour; h < hour; h++)
                {
                    deltas[h] = perHour;
                }
            }
            else
            {
                firstReadings[meter] = value;
            }

            previous = (hour, value);
        }

        return deltas;
    }

    private sealed record MeterDeltas(double[] Import, double[] Export, double[] Pv, double[] HeatPump, double[] Car);

    private readonly record struct DailyWeather(double? TemperatureMeanC, double? GlobalRadiationWm2, double? SunshineHours);
}
