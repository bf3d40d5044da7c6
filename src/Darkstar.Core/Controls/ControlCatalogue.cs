namespace Darkstar.Core.Controls;

/// <summary>The kinds of Darkstar's controls (Home Assistant's platforms for them).</summary>
public enum ControlKind
{
    Switch,
    Select,
    Number,
    Button,

    /// <summary>A local time of day, <c>HH:MM</c> (Home Assistant's MQTT <c>text</c> entity with that pattern).</summary>
    Time,
}

/// <summary>One of Darkstar's controls and the values it takes: every writer (MQTT, the web UI) is held to these.</summary>
public sealed record ControlDefinition(string Id, ControlKind Kind)
{
    /// <summary>The options of a select.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public double? Step { get; init; }
}

/// <summary>
/// Darkstar's own controls: their ids (which are the keys of <c>user_settings</c> and the MQTT entities' ids, so they never
/// change once released), the values each takes, and the text of a value.
/// </summary>
public static class ControlCatalogue
{
    public const string ExecutorEnabled = "executor_enabled";
    public const string ShadowMode = "shadow_mode";
    public const string AllowExport = "allow_export";
    public const string ForecastVersion = "forecast_version";
    public const string RiskAppetite = "risk_appetite";
    public const string ManualOverride = "manual_override";
    public const string MinSoc = "min_soc";
    public const string MaxSoc = "max_soc";
    public const string WaterHeaterMinKwhPerDay = "water_heater_min_kwh_per_day";
    public const string CarTargetSoc = "car_target_soc";
    public const string CarDeparture = "car_departure";
    public const string VacationMode = "vacation_mode";
    public const string Replan = "replan";
    public const string RetrainAurora = "retrain_aurora";

    /// <summary>A switch's value as text.</summary>
    public const string On = "ON";

    /// <inheritdoc cref="On"/>
    public const string Off = "OFF";

    /// <summary>The one value a button takes.</summary>
    public const string Press = "PRESS";

    public static readonly IReadOnlyList<string> RiskAppetites = ["1", "2", "3", "4", "5"];

    public static readonly IReadOnlyList<string> OverrideModes = ["auto", "force_charge", "force_discharge", "hold", "force_export"];

    /// <summary>The forecast versions the select offers when the caller knows of no others.</summary>
    public static readonly IReadOnlyList<string> DefaultForecastVersions = ["baseline_7_day_avg", "aurora"];

    /// <summary>Every control, with <paramref name="forecastVersions"/> (or the defaults) as the forecast version's options.</summary>
    public static IReadOnlyList<ControlDefinition> All(IReadOnlyList<string>? forecastVersions = null)
    {
        var versions = forecastVersions is { Count: > 0 } ? forecastVersions : DefaultForecastVersions;
        return
        [
            new(ExecutorEnabled, ControlKind.Switch),
            new(ShadowMode, ControlKind.Switch),
            new(AllowExport, ControlKind.Switch),
            new(ForecastVersion, ControlKind.Select) { Options = versions },
            new(RiskAppetite, ControlKind.Select) { Options = RiskAppetites },
            new(ManualOverride, ControlKind.Select) { Options = OverrideModes },
            new(MinSoc, ControlKind.Number) { Min = 0, Max = 100, Step = 1 },
            new(MaxSoc, ControlKind.Number) { Min = 0, Max = 100, Step = 1 },
            new(WaterHeaterMinKwhPerDay, ControlKind.Number) { Min = 0, Max = 50, Step = 0.5 },
            new(CarTargetSoc, ControlKind.Number) { Min = 1, Max = 100, Step = 1 },
            new(CarDeparture, ControlKind.Time),
            new(VacationMode, ControlKind.Switch),
            new(Replan, ControlKind.Button),
            new(RetrainAurora, ControlKind.Button),
        ];
    }
}
