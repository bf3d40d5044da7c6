using Darkstar.Core.Domain;

namespace Darkstar.Simulation.Sources;

/// <summary>The day-ahead market the home buys in, as Home Assistant and the Nord Pool integration label it.</summary>
public sealed record HomeMarket(string Currency, string PriceArea, string Country);

/// <summary>
/// The home's own behaviour over one interval, as average power in kW. A replayed data set also knows
/// the gross grid flows it measured (import and export can both happen within an hour). The heat pump and
/// the car's charger are parts of <see cref="LoadKw"/> that have their own meters; together never more than it.
/// </summary>
public readonly record struct HomeSample(
    double PvKw, double LoadKw, double? GridImportKw = null, double? GridExportKw = null, double HeatPumpKw = 0, double EvChargerKw = 0);

/// <summary>Weather at an instant: air temperature, cloud cover and global horizontal irradiance.</summary>
public readonly record struct WeatherSample(double TemperatureC, double CloudCoverPercent, double ShortwaveRadiationWm2);

/// <summary>One day-ahead price interval, in the home's currency per kWh (spot, without taxes).</summary>
public readonly record struct PricePoint(DateTimeOffset Start, DateTimeOffset End, double PricePerKwh);

/// <summary>What drives the simulated home: its PV, its load, the weather and the day-ahead prices.</summary>
public interface IHomeSource
{
    HomeSite Site { get; }

    HomeMarket Market { get; }

    /// <summary>
    /// The meter readings (kWh, by <see cref="MeterNames"/>) the home's counters show at
    /// <paramref name="instant"/> when it starts there; meters not named start at zero.
    /// </summary>
    IReadOnlyDictionary<string, double> CountersAt(DateTimeOffset instant);

    /// <summary>
    /// A sensible first instant for this source when none is given, with <paramref name="history"/> of the source's
    /// own past before it (a replayed data set starts late enough that its history is recorded data, not nothing).
    /// </summary>
    DateTimeOffset DefaultStart(DateTimeOffset machineNow, TimeSpan history);

    /// <summary>Average PV and load over [<paramref name="start"/>, start + <paramref name="length"/>).</summary>
    HomeSample Sample(DateTimeOffset start, TimeSpan length);

    WeatherSample Weather(DateTimeOffset instant);

    /// <summary>The prices of a local delivery day, or null when the source has none for it.</summary>
    IReadOnlyList<PricePoint>? PricesForDay(DateOnly localDay);
}

/// <summary>The meters a source can give starting readings for.</summary>
public static class MeterNames
{
    public const string Load = "load";
    public const string Pv = "pv";
    public const string GridImport = "grid_import";
    public const string GridExport = "grid_export";
    public const string HeatPump = "heat_pump";
    public const string EvCharger = "ev_charger";
}
