using System.Diagnostics;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Core.Units;
using Darkstar.Learning.Etl;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Datasets;

/// <summary>The figures of one dataset import, over every slot the database now holds for the home's period.</summary>
public sealed record DatasetImportReport(
    int Slots,
    double LoadKwh,
    double PvKwh,
    double ImportKwh,
    double ExportKwh,
    int InterpolatedSlots,
    IReadOnlyDictionary<DayQualityStatus, int> Days,
    int PriceSlots,
    int WeatherSlots,
    long ElapsedMs,
    int RadiationReplacedDays = 0);

/// <summary>
/// Loads a home folder through the same ETL as the live add-on: each meter column becomes the counter readings of
/// its role (an empty cell is a missing reading, as an <c>unavailable</c> state), prices become slot prices by the
/// tariff, daily weather becomes observed weather on each slot of its day.
/// </summary>
public sealed class DatasetImporter
{
    /// <summary>The meter columns of the shared data sets and the roles they are.</summary>
    public static readonly IReadOnlyDictionary<string, SensorRole> ColumnRoles = new Dictionary<string, SensorRole>(StringComparer.Ordinal)
    {
        ["grid_import_kwh"] = SensorRole.TotalGridImport,
        ["grid_export_kwh"] = SensorRole.TotalGridExport,
        ["pv_kwh"] = SensorRole.TotalPvProduction,
        ["load_kwh"] = SensorRole.TotalLoadConsumption,
        ["battery_charge_kwh"] = SensorRole.TotalBatteryCharge,
        ["battery_discharge_kwh"] = SensorRole.TotalBatteryDischarge,
        ["water_heater_kwh"] = SensorRole.WaterHeaterConsumption,
        ["ev_kwh"] = SensorRole.EvChargerConsumption,
        ["heat_pump_kwh"] = SensorRole.HeatPumpConsumption,
    };

    private readonly SlotObservationRepository _observations;
    private readonly SensorTotalRepository _totals;
    private readonly PriceRepository _prices;
    private readonly WeatherRepository _weather;
    private readonly DataQualityRepository _quality;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _logging;

    public DatasetImporter(
        SlotObservationRepository observations,
        SensorTotalRepository totals,
        PriceRepository prices,
        WeatherRepository weather,
        DataQualityRepository quality,
        TimeProvider time,
        ILoggerFactory logging)
    {
        _observations = observations ?? throw new ArgumentNullException(nameof(observations));
        _totals = totals ?? throw new ArgumentNullException(nameof(totals));
        _prices = prices ?? throw new ArgumentNullException(nameof(prices));
        _weather = weather ?? throw new ArgumentNullException(nameof(weather));
        _quality = quality ?? throw new ArgumentNullException(nameof(quality));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logging = logging ?? throw new ArgumentNullException(nameof(logging));
    }

    /// <summary>The roles the dataset's meter columns map to, with an entity id that names the file and column.</summary>
    public static IReadOnlyList<MappedSensor> SensorsOf(HomeDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return [.. dataset.MeterColumns
            .Where(ColumnRoles.ContainsKey)
            .Select(column => new MappedSensor(ColumnRoles[column], $"{dataset.Name}:meters.csv:{column}"))];
    }

    /// <param name="tariff">The tariff to price with: the options', or the one home.yaml assumes.</param>
    public async Task<DatasetImportReport> ImportAsync(HomeDataset dataset, DarkstarOptions options, Tariff tariff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tariff);
        var stopwatch = Stopwatch.StartNew();
        var now = _time.GetUtcNow();
        var priceSlots = await ImportPricesAsync(dataset, tariff, now, cancellationToken);
        var (weatherSlots, radiationReplaced) = await ImportWeatherAsync(dataset, cancellationToken);

        var sensors = SensorsOf(dataset);
        if (sensors.Count == 0)
        {
            throw new DatasetFormatException(
                $"{Path.Combine(dataset.Folder, "meters.csv")} has none of the meter columns {string.Join(", ", ColumnRoles.Keys)}.");
        }

        var settings = new EtlSettings
        {
            Sensors = sensors,
            Limits = EnergyLimits.FromOptions(options),
            TimeZone = dataset.TimeZone,
            BatchSize = 5000,
        };
        using var etl = new SlotEtl(_observations, _totals, _prices, _quality, settings, _time, _logging.CreateLogger<SlotEtl>());
        var batch = new EtlBatch { RegularInterval = RegularInterval(dataset) };
        for (var c = 0; c < dataset.MeterColumns.Count; c++)
        {
            if (!ColumnRoles.TryGetValue(dataset.MeterColumns[c], out var role))
            {
                continue;
            }

            var list = new List<CounterReading>(dataset.Meters.Count);
            foreach (var row in dataset.Meters)
            {
                list.Add(new CounterReading(row.At, row.Values[c], "kWh"));
            }

            batch.Counters[role] = list;
        }

        await etl.IngestAsync(batch, cancellationToken);
        var report = await SummariseAsync(dataset, priceSlots, weatherSlots, cancellationToken);
        return report with { ElapsedMs = stopwatch.ElapsedMilliseconds, RadiationReplacedDays = radiationReplaced };
    }

    /// <summary>The most common spacing of the readings: hourly for the shared data sets.</summary>
    private static TimeSpan RegularInterval(HomeDataset dataset)
    {
        var spacing = dataset.Meters.Zip(dataset.Meters.Skip(1), (a, b) => b.At - a.At)
            .GroupBy(d => d).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        return spacing > TimeSpan.Zero ? spacing : TimeSpan.FromHours(1);
    }

    private async Task<int> ImportPricesAsync(HomeDataset dataset, Tariff tariff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var source = $"{dataset.Name} prices.csv";
        var priceUnit = $"{dataset.Currency}/MWh";
        var slots = new List<SlotPrice>(dataset.Prices.Count * SlotGrid.SlotsPerHour);
        for (var i = 0; i < dataset.Prices.Count; i++)
        {
            var (start, perMwh) = dataset.Prices[i];
            // A price holds until the next one, at most an hour (the data sets are hourly or finer).
            var end = i + 1 < dataset.Prices.Count && dataset.Prices[i + 1].Start - start <= TimeSpan.FromHours(1)
                ? dataset.Prices[i + 1].Start
                : start.AddHours(1);
            var spot = UnitConverter.ToPricePerKilowattHour(perMwh, priceUnit, dataset.Currency, source);
            slots.AddRange(tariff.ToSlots(start, end, spot, source, now));
        }

        return await _prices.UpsertAsync(slots, cancellationToken);
    }

    /// <summary>
    /// Daily weather on every slot of its day. Radiation is checked against the day's sunshine hours first
    /// (<see cref="DailyRadiation"/>), and cloud cover comes from the sunshine hours, where the file has them.
    /// </summary>
    private async Task<(int Slots, int RadiationReplacedDays)> ImportWeatherAsync(HomeDataset dataset, CancellationToken cancellationToken)
    {
        var source = $"{dataset.Name} weather_daily.csv (daily mean)";
        var rows = new List<SlotWeather>(dataset.Weather.Count * SlotGrid.SlotsPerUtcDay);
        var replaced = new List<DateOnly>();
        foreach (var day in dataset.Weather.Where(d => d.TemperatureC is not null || d.GlobalRadiationWm2 is not null))
        {
            var radiation = day.GlobalRadiationWm2;
            double? cloudCover = null;
            if (dataset.Latitude is { } latitude)
            {
                var checkedRadiation = DailyRadiation.Check(day.Day, latitude, day.GlobalRadiationWm2, day.SunshineHours);
                if (checkedRadiation.Replaced && day.GlobalRadiationWm2 is not null)
                {
                    replaced.Add(day.Day);
                }

                radiation = checkedRadiation.MeanWm2;
                cloudCover = DailyRadiation.CloudCoverFromSunshine(day.Day, latitude, day.SunshineHours);
            }

            foreach (var slot in SlotGrid.LocalDay(day.Day, dataset.TimeZone))
            {
                rows.Add(new SlotWeather
                {
                    SlotStart = slot,
                    Kind = WeatherKind.Observed,
                    IssuedAt = slot,
                    TemperatureC = day.TemperatureC,
                    CloudCoverPercent = cloudCover,
                    ShortwaveRadiationWM2 = radiation,
                    Source = source,
                });
            }
        }

        if (replaced.Count > 0)
        {
            _logging.CreateLogger<DatasetImporter>().LogWarning(
                "weather_daily.csv: radiation on {Days} days is far from what their sunshine hours imply (first {First}); the sunshine estimate is used instead",
                replaced.Count,
                DayText.Format(replaced[0]));
        }

        return (await _weather.UpsertAsync(rows, cancellationToken), replaced.Count);
    }

    private async Task<DatasetImportReport> SummariseAsync(HomeDataset dataset, int priceSlots, int weatherSlots, CancellationToken cancellationToken)
    {
        if (dataset.Meters.Count == 0)
        {
            return new DatasetImportReport(0, 0, 0, 0, 0, 0, new Dictionary<DayQualityStatus, int>(), priceSlots, weatherSlots, 0);
        }

        var range = SlotRange.Between(SlotGrid.Floor(dataset.Meters[0].At), SlotGrid.Ceiling(dataset.Meters[^1].At));
        var observations = await _observations.ReadRangeAsync(range, cancellationToken);
        var firstDay = SlotGrid.LocalDateOf(range.Start, dataset.TimeZone);
        var lastDay = SlotGrid.LocalDateOf(range.End, dataset.TimeZone);
        var days = await _quality.ReadRangeAsync(firstDay, lastDay, cancellationToken);
        var byStatus = Enum.GetValues<DayQualityStatus>().ToDictionary(s => s, s => days.Count(d => d.Status == s));
        return new DatasetImportReport(
            observations.Count,
            observations.Sum(o => o.LoadKwh ?? 0),
            observations.Sum(o => o.PvKwh ?? 0),
            observations.Sum(o => o.ImportKwh ?? 0),
            observations.Sum(o => o.ExportKwh ?? 0),
            observations.Count(o => o.QualityFlags.HasFlag(SlotQuality.Interpolated)),
            byStatus,
            priceSlots,
            weatherSlots,
            0);
    }
}
