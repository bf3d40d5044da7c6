using Darkstar.Core.Domain;
using Darkstar.Core.Solar;
namespace Darkstar.Simulation.Sources;

/// <summary>
/// A home made up from a seed: PV from the sun's position at the site through a cloud process, load from
/// daily and weekly profiles with noise, a heat pump that follows the outdoor temperature and a car that charges
/// on some evenings, and day-ahead prices with a daily shape, volatility and occasional negative hours. Every value
/// depends only on (seed, instant).
/// </summary>
public sealed class SyntheticSource : IHomeSource
{
    private const int CloudStream = 1;
    private const int CloudDetailStream = 2;
    private const int TemperatureStream = 3;
    private const int LoadNoiseStream = 4;
    private const int ApplianceStream = 5;
    private const int PriceLevelStream = 6;
    private const int PriceNoiseStream = 7;
    private const int NegativeDayStream = 8;
    private const int NegativeDepthStream = 9;
    private const int CarDayStream = 10;
    private const int CarArrivalStream = 11;
    private const int CarEnergyStream = 12;
    private static readonly DateOnly EpochDay = new(2000, 1, 1);

    private readonly int _seed;

    public SyntheticSource(int seed, HomeSite? site = null, double peakPvKw = 8)
    {
        _seed = seed;
        Site = site ?? Stockholm;
        PeakPvKw = peakPvKw;
    }

    /// <summary>The simulated home's site: Stockholm (as simulated-home.yaml says).</summary>
    public static HomeSite Stockholm { get; } = new(59.33, 18.07, Core.Time.TimeZones.Find("Europe/Stockholm"))
    {
        Name = "Darkstar simulated home",
        Elevation = 28,
    };

    /// <summary>The simulated home's market: SE3 in SEK (as simulated-home.yaml says).</summary>
    public static HomeMarket Sweden { get; } = new("SEK", "SE3", "SE");

    public HomeSite Site { get; }

    public HomeMarket Market => Sweden;

    public double PeakPvKw { get; }

    /// <summary>The car's charger: 16 A on one phase.</summary>
    public const double CarChargerKw = 3.7;

    /// <summary>The share of days the car comes home needing a charge.</summary>
    public const double CarChargingDayShare = 0.4;

    public IReadOnlyDictionary<string, double> CountersAt(DateTimeOffset instant) => new Dictionary<string, double>();

    public DateTimeOffset DefaultStart(DateTimeOffset machineNow, TimeSpan history) =>
        new(machineNow.UtcTicks - (machineNow.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public HomeSample Sample(DateTimeOffset start, TimeSpan length)
    {
        var middle = start + (length / 2);
        var weather = Weather(middle);
        // Panels a little tilted towards the sun gather about 5 % more than the horizontal irradiance.
        var pv = PeakPvKw * weather.ShortwaveRadiationWm2 / 1000 * 0.95;
        var heatPump = Math.Round(HeatPump(weather.TemperatureC), 6);
        var car = CarCharging(middle);
        var house = Math.Round(House(middle), 6);
        return new HomeSample(Math.Round(pv, 6), house + heatPump + car, HeatPumpKw: heatPump, EvChargerKw: car);
    }

    public WeatherSample Weather(DateTimeOffset instant)
    {
        var hours = HoursSinceEpoch(instant);
        var cloud = Math.Clamp(0.5 + (0.55 * DeterministicNoise.Smooth(_seed, CloudStream, hours / 30))
            + (0.2 * DeterministicNoise.Smooth(_seed, CloudDetailStream, hours / 3)), 0, 1);
        var clearSky = SolarPosition.ClearSkyIrradiance(instant, Site.Latitude, Site.Longitude);
        var irradiance = SolarPosition.CloudyIrradiance(clearSky, cloud);
        var local = TimeZoneInfo.ConvertTime(instant, Site.TimeZone);
        var dayOfYear = local.DayOfYear;
        var seasonal = 6.5 - (10 * Math.Cos(2 * Math.PI * (dayOfYear - 20) / 365.25));
        var diurnal = 4 * Math.Cos(2 * Math.PI * (local.TimeOfDay.TotalHours - 15) / 24) * (1 - (0.6 * cloud));
        var anomaly = 3 * DeterministicNoise.Smooth(_seed, TemperatureStream, hours / 48);
        return new WeatherSample(Math.Round(seasonal + diurnal + anomaly, 2), Math.Round(cloud * 100, 1), Math.Round(irradiance, 2));
    }

    public IReadOnlyList<PricePoint>? PricesForDay(DateOnly localDay)
    {
        var dayNumber = localDay.DayNumber - EpochDay.DayNumber;
        var level = 0.2 + (1.2 * Math.Pow(DeterministicNoise.Uniform(_seed, PriceLevelStream, dayNumber), 1.5));
        var negativeMidday = DeterministicNoise.Uniform(_seed, NegativeDayStream, dayNumber) < 0.12;
        var range = Core.Time.SlotGrid.LocalDay(localDay, Site.TimeZone);
        var prices = new List<PricePoint>(range.Count);
        foreach (var start in range)
        {
            var slot = Core.Time.SlotGrid.IndexOf(start);
            var hour = TimeZoneInfo.ConvertTime(start, Site.TimeZone).TimeOfDay.TotalHours;
            var shape = 1 + (0.35 * Bump(hour, 8, 1.5)) + (0.5 * Bump(hour, 18.5, 2)) - (0.25 * Bump(hour, 13, 2.5)) - (0.3 * Bump(hour, 3, 2.5));
            var price = level * shape * (1 + (0.12 * DeterministicNoise.Signed(_seed, PriceNoiseStream, slot)));
            if (negativeMidday && hour is >= 11 and < 15)
            {
                price = -0.02 - (0.15 * DeterministicNoise.Uniform(_seed, NegativeDepthStream, slot));
            }

            prices.Add(new PricePoint(start, start + Core.Time.SlotGrid.SlotLength, Math.Round(price, 5)));
        }

        return prices;
    }

    private static double HoursSinceEpoch(DateTimeOffset instant) =>
        (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerHour;

    private static double Bump(double hour, double centre, double width) =>
        Math.Exp(-Math.Pow((hour - centre) / width, 2) / 2);

    /// <summary>The heat pump's electric power: more the colder it is outside, nothing from 15 °C up.</summary>
    private static double HeatPump(double temperatureC) => 0.06 * Math.Max(0, 15 - temperatureC);

    /// <summary>
    /// The car's charger: on <see cref="CarChargingDayShare"/> of the days the car is plugged in between 17:30 and
    /// 20:00 and charges 4 to 12 kWh at full power, into the night when it needs to.
    /// </summary>
    private double CarCharging(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Site.TimeZone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var hour = local.TimeOfDay.TotalHours;
        // Today's session, or yesterday's running on past midnight.
        return Charging(today, hour) || Charging(today.AddDays(-1), hour + 24) ? CarChargerKw : 0;

        bool Charging(DateOnly day, double hourOfDay)
        {
            var dayNumber = day.DayNumber - EpochDay.DayNumber;
            if (DeterministicNoise.Uniform(_seed, CarDayStream, dayNumber) >= CarChargingDayShare)
            {
                return false;
            }

            var arrival = 17.5 + (2.5 * DeterministicNoise.Uniform(_seed, CarArrivalStream, dayNumber));
            var hours = (4 + (8 * DeterministicNoise.Uniform(_seed, CarEnergyStream, dayNumber))) / CarChargerKw;
            return hourOfDay >= arrival && hourOfDay < arrival + hours;
        }
    }

    /// <summary>The rest of the home: its daily and weekly rhythm, noise and appliances.</summary>
    private double House(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Site.TimeZone);
        var hour = local.TimeOfDay.TotalHours;
        var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var profile = weekend
            ? (0.7 * Bump(hour, 9.5, 2)) + (0.3 * Bump(hour, 13, 1.5)) + (0.9 * Bump(hour, 18, 2))
            : (0.6 * Bump(hour, 7, 1)) + (1.0 * Bump(hour, 18.5, 2));
        var quarter = Core.Time.SlotGrid.IndexOf(instant);
        var noise = 0.15 * DeterministicNoise.Uniform(_seed, LoadNoiseStream, quarter);
        // Now and then an appliance (oven, washing machine) runs for a quarter hour.
        var appliance = DeterministicNoise.Uniform(_seed, ApplianceStream, quarter) > 0.93 ? 1.5 : 0;
        return 0.35 + profile + noise + appliance;
    }
}
