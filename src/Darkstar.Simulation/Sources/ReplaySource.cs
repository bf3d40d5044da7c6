using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using YamlDotNet.RepresentationModel;

namespace Darkstar.Simulation.Sources;

/// <summary>
/// Replays a home data set folder (home.yaml, meters.csv, prices.csv, weather_daily.csv): hourly cumulative
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

    /// <summary>Reads a data set folder; errors name the file and line.</summary>
    public static ReplaySource Load(string folder)
    {
        var homeFile = Path.Combine(folder, "home.yaml");
        if (!File.Exists(homeFile))
        {
            throw new FileNotFoundException($"{homeFile} is missing: a home data set folder holds home.yaml, meters.csv, prices.csv and weather_daily.csv.", homeFile);
        }

        var yaml = new YamlStream();
        using (var reader = new StreamReader(homeFile))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        string Scalar(string key, string fallback) =>
            root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { } value } ? value : fallback;
        double Number(string key) =>
            double.Parse(Scalar(key, "") is { Length: > 0 } text ? text : throw new FormatException($"{homeFile}: '{key}' is missing."), CultureInfo.InvariantCulture);

        var currency = Scalar("currency", "EUR");
        var site = new HomeSite(Number("latitude"), Number("longitude"), TimeZones.Find(Scalar("timezone", "UTC")))
        {
            Name = Scalar("name", Path.GetFileName(Path.GetFullPath(folder))),
        };
        var market = new HomeMarket(
            currency,
            Scalar("price_area", currency == "EUR" ? "DE-LU" : "SE3"),
            Scalar("country", currency == "EUR" ? "DE" : "SE"));

        var meters = ReadCsv(Path.Combine(folder, "meters.csv"));
        var header = meters.Header;
        int Column(string name) => Array.IndexOf(header, name) is var index and >= 0
            ? index
            : throw new FormatException($"{meters.Path}: column '{name}' is missing.");
        var importColumn = Column("grid_import_kwh");
        var exportColumn = Column("grid_export_kwh");
        var pvColumn = Column("pv_kwh");
        var times = meters.Rows.Select((row, line) => ParseInstant(row[0], meters.Path, line + 2)).ToList();
        if (times.Count < 2)
        {
            throw new FormatException($"{meters.Path}: fewer than two readings.");
        }

        var first = times[0];
        var hours = checked((int)((times[^1] - first).Ticks / TimeSpan.TicksPerHour));
        var firstReadings = new Dictionary<string, double>();
        var import = HourlyDeltas(meters, times, importColumn, first, hours, firstReadings, MeterNames.GridImport);
        var export = HourlyDeltas(meters, times, exportColumn, first, hours, firstReadings, MeterNames.GridExport);
        var pv = HourlyDeltas(meters, times, pvColumn, first, hours, firstReadings, MeterNames.Pv);
        double[] SubMeter(string column, string meter) => Array.IndexOf(header, column) is var index and >= 0
            ? HourlyDeltas(meters, times, index, first, hours, firstReadings, meter)
            : new double[hours];
        var heatPump = SubMeter("heat_pump_kwh", MeterNames.HeatPump);
        var car = SubMeter("ev_kwh", MeterNames.EvCharger);

        var prices = new List<PricePoint>();
        var pricesFile = ReadCsv(Path.Combine(folder, "prices.csv"));
        for (var i = 0; i < pricesFile.Rows.Count; i++)
        {
            var row = pricesFile.Rows[i];
            if (row.Length < 2 || row[1].Length == 0)
            {
                continue;
            }

            var start = ParseInstant(row[0], pricesFile.Path, i + 2);
            var perMwh = double.Parse(row[1], CultureInfo.InvariantCulture);
            prices.Add(new PricePoint(start, start.AddHours(1), perMwh / 1000));
        }

        var weather = new Dictionary<DateOnly, DailyWeather>();
        var weatherPath = Path.Combine(folder, "weather_daily.csv");
        if (File.Exists(weatherPath))
        {
            foreach (var row in ReadCsv(weatherPath).Rows)
            {
                var day = DayText.ParseExact(row[0]);
                var sunshine = OptionalNumber(row, 3);
                var radiation = DailyRadiation.Check(day, site.Latitude, OptionalNumber(row, 2), sunshine).MeanWm2;
                weather[day] = new DailyWeather(OptionalNumber(row, 1), radiation, sunshine);
            }
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

    private static double[] HourlyDeltas(CsvFile meters, List<DateTimeOffset> times, int column, DateTimeOffset first, int hours, Dictionary<string, double> firstReadings, string meter)
    {
        var deltas = new double[hours];
        (int Hour, double Value)? previous = null;
        for (var i = 0; i < meters.Rows.Count; i++)
        {
            var row = meters.Rows[i];
            if (column >= row.Length || row[column].Length == 0)
            {
                continue;
            }

            var value = double.Parse(row[column], CultureInfo.InvariantCulture);
            var hour = (int)((times[i] - first).Ticks / TimeSpan.TicksPerHour);
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

    private static DateTimeOffset ParseInstant(string text, string path, int line) =>
        InstantText.TryParse(text, out var instant)
            ? instant
            : throw new FormatException($"{path}:{line}: '{text}' is not a UTC instant.");

    private static double? OptionalNumber(string[] row, int column) =>
        column < row.Length && row[column].Length > 0 ? double.Parse(row[column], CultureInfo.InvariantCulture) : null;

    private static CsvFile ReadCsv(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing.", path);
        }

        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        return new CsvFile(path, header, rows);
    }

    private sealed record MeterDeltas(double[] Import, double[] Export, double[] Pv, double[] HeatPump, double[] Car);

    private sealed record CsvFile(string Path, string[] Header, List<string[]> Rows);

    private readonly record struct DailyWeather(double? TemperatureMeanC, double? GlobalRadiationWm2, double? SunshineHours);
}
