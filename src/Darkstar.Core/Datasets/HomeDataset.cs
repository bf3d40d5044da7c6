using System.Globalization;
using System.Text.RegularExpressions;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using YamlDotNet.RepresentationModel;

namespace Darkstar.Core.Datasets;

/// <summary>A home's data set is not in the expected format; the message names the file, the line and what is wrong.</summary>
public sealed class DatasetFormatException : FormatException
{
    public DatasetFormatException()
    {
    }

    public DatasetFormatException(string message)
        : base(message)
    {
    }

    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>One row of <c>meters.csv</c>: cumulative kWh per meter column, null where the reading is missing.</summary>
public sealed record MeterRow(DateTimeOffset At, IReadOnlyList<double?> Values);

/// <summary>One row of <c>weather_daily.csv</c>: observed daily means of a local day.</summary>
public sealed record WeatherDay(DateOnly Day, double? TemperatureC, double? GlobalRadiationWm2, double? SunshineHours = null);

/// <summary>
/// A home folder in the format of the shared data sets: <c>home.yaml</c>, <c>meters.csv</c> (cumulative kWh, UTC,
/// empty cells are missing readings), <c>prices.csv</c> (EUR/MWh, UTC) and <c>weather_daily.csv</c> (local days).
/// The one reader of the format: the import, the benchmarks and the simulated home's replay all read through it.
/// </summary>
public sealed partial class HomeDataset
{
    private HomeDataset(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public string Name { get; private set; } = string.Empty;

    public required TimeZoneInfo TimeZone { get; init; }

    public string Currency { get; private set; } = "EUR";

    /// <summary>The day-ahead price area (e.g. DE-LU), when home.yaml states it.</summary>
    public string? PriceArea { get; private init; }

    /// <summary>The country code (e.g. DE), when home.yaml states it.</summary>
    public string? Country { get; private init; }

    /// <summary>Degrees north, when home.yaml states it (solar geometry needs it).</summary>
    public double? Latitude { get; private init; }

    /// <summary>Degrees east, when home.yaml states it.</summary>
    public double? Longitude { get; private init; }

    /// <summary>Where the home is, when home.yaml states its latitude and longitude.</summary>
    public HomeSite? Site => Latitude is { } latitude && Longitude is { } longitude
        ? new HomeSite(latitude, longitude, TimeZone) { Name = Name }
        : null;

    /// <summary>The tariff home.yaml assumes, when it states one.</summary>
    public Tariff? Tariff { get; private set; }

    /// <summary>The meter columns of meters.csv after the timestamp, e.g. grid_import_kwh.</summary>
    public IReadOnlyList<string> MeterColumns { get; private set; } = [];

    public IReadOnlyList<MeterRow> Meters { get; private set; } = [];

    /// <summary>Hourly (or finer) spot prices as given: start instant and currency per MWh.</summary>
    public IReadOnlyList<(DateTimeOffset Start, double PerMwh)> Prices { get; private set; } = [];

    public IReadOnlyList<WeatherDay> Weather { get; private set; } = [];

    /// <exception cref="DatasetFormatException">A file is missing or malformed.</exception>
    public static HomeDataset Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DatasetFormatException($"The home folder {folder} does not exist.");
        }

        var yamlPath = Path.Combine(folder, "home.yaml");
        var yaml = ReadYaml(yamlPath);
        var zoneId = Scalar(yaml, "timezone") ?? throw new DatasetFormatException($"{yamlPath}: 'timezone' is missing.");
        if (!TimeZones.TryFind(zoneId, out var zone))
        {
            throw new DatasetFormatException($"{yamlPath}: timezone '{zoneId}' is not a known IANA time zone.");
        }

        var dataset = new HomeDataset(Path.GetFullPath(folder))
        {
            TimeZone = zone,
            Name = Scalar(yaml, "name") ?? Path.GetFileName(Path.GetFullPath(folder)),
            Currency = Scalar(yaml, "currency") ?? "EUR",
            PriceArea = Scalar(yaml, "price_area"),
            Country = Scalar(yaml, "country"),
            Latitude = Coordinate(yaml, "latitude", 90, yamlPath),
            Longitude = Coordinate(yaml, "longitude", 180, yamlPath),
        };
        dataset.Tariff = ParseTariff(yaml, yamlPath);
        dataset.ReadMeters(Path.Combine(folder, "meters.csv"));
        dataset.Prices = ReadPrices(Path.Combine(folder, Scalar(yaml, "prices") ?? "prices.csv"));
        var weatherPath = Path.Combine(folder, Scalar(yaml, "weather") ?? "weather_daily.csv");
        dataset.Weather = File.Exists(weatherPath) ? ReadWeather(weatherPath) : [];
        return dataset;
    }

    /// <summary>
    /// This home with its prices replaced by another day-ahead series (a file of <c>timestamp,price_eur_per_mwh</c>, any
    /// resolution), moved onto the home's dates: every slot of the home's meters takes the series' price at the same
    /// local weekday and time of day, a whole number of weeks later or earlier, at the same time of year as near as a
    /// week allows. So the home's load and PV meet the other market's spreads (15-minute ones, say) in the same season.
    /// A gap of up to an hour in the series (the autumn DST day's missing hour) keeps the price before it; slots the
    /// series does not reach have no price.
    /// </summary>
    public HomeDataset WithPricesFrom(string path)
    {
        List<(DateTimeOffset Start, double PerMwh)> series = ReadPrices(path);
        if (series.Count == 0)
        {
            throw new DatasetFormatException($"{path}: no prices.");
        }

        var byInstant = new Dictionary<DateTimeOffset, double>(series.Count * SlotGrid.SlotsPerHour);
        for (var i = 0; i < series.Count; i++)
        {
            // Each price holds until the next (at most an hour: a longer gap is missing data, not a price).
            var end = i + 1 < series.Count && series[i + 1].Start - series[i].Start <= TimeSpan.FromHours(2)
                ? series[i + 1].Start
                : series[i].Start.AddHours(1);
            for (var t = series[i].Start; t < end; t = t.AddMinutes(SlotGrid.MinutesPerSlot))
            {
                byInstant[t] = series[i].PerMwh;
            }
        }

        var homeFirst = LocalDate(Meters[0].At);
        var seriesFirst = LocalDate(series[0].Start);
        // The same calendar day in the series' first year (or the year after, if that day is already past), rounded to whole weeks.
        var sameDay = new DateOnly(seriesFirst.Year, homeFirst.Month, Math.Min(homeFirst.Day, DateTime.DaysInMonth(seriesFirst.Year, homeFirst.Month)));
        var shiftDays = (int)Math.Round((sameDay.DayNumber - homeFirst.DayNumber) / 7.0, MidpointRounding.AwayFromZero) * 7;

        var prices = new List<(DateTimeOffset, double)>();
        for (var slot = SlotGrid.Floor(Meters[0].At); slot <= Meters[^1].At; slot = slot.AddMinutes(SlotGrid.MinutesPerSlot))
        {
            var local = TimeZoneInfo.ConvertTime(slot, TimeZone).DateTime.AddDays(shiftDays);
            if (TimeZone.IsInvalidTime(local))
            {
                continue;
            }

            var target = new DateTimeOffset(local, TimeZone.GetUtcOffset(local)).ToUniversalTime();
            if (byInstant.TryGetValue(target, out var price))
            {
                prices.Add((slot, price));
            }
        }

        if (prices.Count == 0)
        {
            throw new DatasetFormatException($"{path}: its dates, moved by {shiftDays} days onto {Name}'s, cover none of its slots.");
        }

        var copy = (HomeDataset)MemberwiseClone();
        copy.Prices = prices;
        copy.Name = $"{Name} with {Path.GetFileName(path)}";
        return copy;
    }

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);

    private void ReadMeters(string path)
    {
        var lines = ReadLines(path);
        var header = lines[0].Split(',');
        if (header.Length < 2 || header[0] != "timestamp")
        {
            throw new DatasetFormatException($"{path}:1: the header must be timestamp,<meter>,... not '{lines[0]}'.");
        }

        MeterColumns = header[1..];
        var rows = new List<MeterRow>(lines.Length);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            if (cells.Length != header.Length)
            {
                throw new DatasetFormatException($"{path}:{i + 1}: {cells.Length} cells where the header has {header.Length}.");
            }

            var values = new double?[cells.Length - 1];
            for (var c = 1; c < cells.Length; c++)
            {
                values[c - 1] = ParseOptional(cells[c], path, i + 1);
            }

            rows.Add(new MeterRow(ParseInstant(cells[0], path, i + 1), values));
        }

        Meters = rows;
    }

    private static List<(DateTimeOffset, double)> ReadPrices(string path)
    {
        var lines = ReadLines(path);
        var prices = new List<(DateTimeOffset, double)>(lines.Length);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            if (cells.Length < 2 || ParseOptional(cells[1], path, i + 1) is not { } price)
            {
                throw new DatasetFormatException($"{path}:{i + 1}: expected timestamp,price_eur_per_mwh.");
            }

            prices.Add((ParseInstant(cells[0], path, i + 1), price));
        }

        return prices;
    }

    private static List<WeatherDay> ReadWeather(string path)
    {
        var lines = ReadLines(path);
        var days = new List<WeatherDay>(lines.Length);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            if (cells.Length < 3 || !DayText.TryParse(cells[0], out var day))
            {
                throw new DatasetFormatException($"{path}:{i + 1}: expected date,temp_mean_c,global_radiation_w_per_m2,...");
            }

            var sunshine = cells.Length > 3 ? ParseOptional(cells[3], path, i + 1) : null;
            days.Add(new WeatherDay(day, ParseOptional(cells[1], path, i + 1), ParseOptional(cells[2], path, i + 1), sunshine));
        }

        return days;
    }

    private static string[] ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException($"{path} is missing.");
        }

        var lines = File.ReadAllLines(path);
        return lines.Length == 0 ? throw new DatasetFormatException($"{path} is empty.") : lines;
    }

    private static double? ParseOptional(string cell, string path, int line)
    {
        var text = cell.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new DatasetFormatException($"{path}:{line}: '{cell}' is not a number.");
    }

    private static DateTimeOffset ParseInstant(string cell, string path, int line) =>
        InstantText.TryParse(cell, out var instant)
            ? instant
            : throw new DatasetFormatException($"{path}:{line}: '{cell}' is not a UTC instant such as 2015-10-11T19:00:00Z.");

    private static YamlMappingNode ReadYaml(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException($"{path} is missing.");
        }

        try
        {
            using var reader = new StreamReader(path);
            var stream = new YamlStream();
            stream.Load(reader);
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                ? root
                : throw new DatasetFormatException($"{path}: expected a mapping of keys.");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new DatasetFormatException($"{path}: {e.Message}", e);
        }
    }

    private static double? Coordinate(YamlMappingNode yaml, string key, double limit, string path)
    {
        var text = Scalar(yaml, key);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && Math.Abs(value) <= limit
            ? value
            : throw new DatasetFormatException($"{path}: {key} '{text}' is not a number of degrees within ±{limit}.");
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>Reads <c>tariff: {import: (spot + a + b) * m, export: spot [+ c]}</c>; absent means none.</summary>
    private static Tariff? ParseTariff(YamlMappingNode yaml, string path)
    {
        if (!yaml.Children.TryGetValue(new YamlScalarNode("tariff"), out var node) || node is not YamlMappingNode tariff)
        {
            return null;
        }

        var import = Scalar(tariff, "import") ?? throw new DatasetFormatException($"{path}: tariff.import is missing.");
        var export = Scalar(tariff, "export") ?? "spot";
        var importMatch = ImportFormula().Match(import);
        if (!importMatch.Success)
        {
            throw new DatasetFormatException($"{path}: tariff.import '{import}' is not of the form (spot + fee + tax) * (1 + VAT), e.g. (spot + 0.08 + 0.05) * 1.19.");
        }

        var adders = importMatch.Groups["add"].Captures.Select(c => double.Parse(c.Value, CultureInfo.InvariantCulture)).ToList();
        var multiplier = importMatch.Groups["mul"].Success ? double.Parse(importMatch.Groups["mul"].Value, CultureInfo.InvariantCulture) : 1;
        var exportMatch = ExportFormula().Match(export);
        if (!exportMatch.Success)
        {
            throw new DatasetFormatException($"{path}: tariff.export '{export}' is not of the form spot or spot + bonus.");
        }

        var bonus = exportMatch.Groups["bonus"].Success ? double.Parse(exportMatch.Groups["bonus"].Value.Replace(" ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : 0;
        return new Tariff(
            adders.Count > 0 ? adders[0] : 0,
            adders.Skip(1).Sum(),
            (multiplier - 1) * 100,
            bonus);
    }

    [GeneratedRegex(@"^\s*\(\s*spot\s*(?:\+\s*(?<add>[0-9]+(?:\.[0-9]+)?)\s*)*\)\s*(?:\*\s*(?<mul>[0-9]+(?:\.[0-9]+)?))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ImportFormula();

    [GeneratedRegex(@"^\s*spot\s*(?<bonus>[+-]\s*[0-9]+(?:\.[0-9]+)?)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ExportFormula();
}
