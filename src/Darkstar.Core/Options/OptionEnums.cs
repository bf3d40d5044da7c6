namespace Darkstar.Core.Options;

/// <summary>Where day-ahead prices come from.</summary>
public enum PriceSource
{
    /// <summary>The attributes of a Nord Pool price sensor (<c>pricing.nordpool_sensor</c>).</summary>
    NordpoolSensor,

    /// <summary>The Nord Pool integration's <c>get_prices_for_date</c> action (<c>pricing.nordpool_config_entry</c>).</summary>
    NordpoolAction,
}

/// <summary>How the S-index safety margin on the load forecast is chosen.</summary>
public enum SIndexMode
{
    /// <summary>Always <c>base_factor</c>.</summary>
    Static,

    /// <summary><c>base_factor</c> raised by the expected PV deficit and cold weather, up to <c>max_factor</c>.</summary>
    Dynamic,

    /// <summary>From the spread of the p10/p90 forecasts, scaled by the risk appetite.</summary>
    Probabilistic,
}

/// <summary>The forecast the planner uses.</summary>
public enum ForecastVersion
{
    [OptionValue("baseline_7_day_avg")]
    Baseline7DayAverage,

    [OptionValue("aurora")]
    Aurora,
}

/// <summary>The option text of a <see cref="ForecastVersion"/>, as the options, the select entity and stored forecasts spell it.</summary>
public static class ForecastVersionText
{
    public static string Of(ForecastVersion version) => OptionsModel.EnumText(version);

    /// <summary>The version <paramref name="text"/> names; anything but <c>aurora</c> is the baseline.</summary>
    public static ForecastVersion Parse(string? text) =>
        text == Of(ForecastVersion.Aurora) ? ForecastVersion.Aurora : ForecastVersion.Baseline7DayAverage;
}

/// <summary>The unit a power-limit number entity takes.</summary>
public enum PowerUnit
{
    [OptionValue("W")]
    Watt,

    [OptionValue("kW")]
    Kilowatt,

    /// <summary>Amperes at <c>executor.battery_voltage</c>.</summary>
    [OptionValue("A")]
    Ampere,
}

/// <summary>The least severe log level written.</summary>
public enum LogLevelOption
{
    Trace,
    Debug,
    Info,
    Warning,
    Error,
}
