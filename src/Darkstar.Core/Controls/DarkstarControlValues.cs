using System.Globalization;
using Darkstar.Core.Options;

namespace Darkstar.Core.Controls;

/// <summary>The current value of every stateful control: the options' values until a user changes one.</summary>
public sealed record DarkstarControlValues
{
    public required bool ExecutorEnabled { get; init; }

    public required bool ShadowMode { get; init; }

    public required bool AllowExport { get; init; }

    public required string ForecastVersion { get; init; }

    public required int RiskAppetite { get; init; }

    public required string ManualOverride { get; init; }

    public required double MinSocPercent { get; init; }

    public required double MaxSocPercent { get; init; }

    public required double WaterHeaterMinKwhPerDay { get; init; }

    /// <summary>The car's target SoC when no <c>car.target_soc_entity</c> holds it.</summary>
    public double CarTargetSocPercent { get; init; } = 80;

    /// <summary>The car's daily departure when no <c>car.departure_entity</c> holds it.</summary>
    public TimeOnly CarDepartureTime { get; init; } = new(7, 0);

    public bool VacationMode { get; init; }

    /// <summary>The ids of the controls that have a state (every switch, select and number).</summary>
    public static IReadOnlyList<string> StatefulIds { get; } =
    [
        ControlCatalogue.ExecutorEnabled, ControlCatalogue.ShadowMode, ControlCatalogue.AllowExport,
        ControlCatalogue.ForecastVersion, ControlCatalogue.RiskAppetite, ControlCatalogue.ManualOverride,
        ControlCatalogue.MinSoc, ControlCatalogue.MaxSoc, ControlCatalogue.WaterHeaterMinKwhPerDay,
        ControlCatalogue.CarTargetSoc, ControlCatalogue.CarDeparture,
        ControlCatalogue.VacationMode,
    ];

    public static DarkstarControlValues FromOptions(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DarkstarControlValues
        {
            ExecutorEnabled = options.Executor.Enabled,
            ShadowMode = options.Executor.ShadowMode,
            AllowExport = options.Grid.ExportAllowed,
            ForecastVersion = ForecastVersionText.Of(options.Forecasting.ActiveForecastVersion),
            RiskAppetite = options.SIndex.RiskAppetite,
            ManualOverride = "auto",
            MinSocPercent = options.Battery.MinSocPercent,
            MaxSocPercent = options.Battery.MaxSocPercent,
            WaterHeaterMinKwhPerDay = options.WaterHeating.MinKwhPerDay,
            CarTargetSocPercent = options.Car.TargetSocPercent,
            CarDepartureTime = options.Car.DepartureTime,
            VacationMode = options.Vacation.Enabled,
        };
    }

    /// <summary>The MQTT state text of control <paramref name="id"/>.</summary>
    public string StateText(string id) => id switch
    {
        ControlCatalogue.ExecutorEnabled => OnOff(ExecutorEnabled),
        ControlCatalogue.ShadowMode => OnOff(ShadowMode),
        ControlCatalogue.AllowExport => OnOff(AllowExport),
        ControlCatalogue.ForecastVersion => ForecastVersion,
        ControlCatalogue.RiskAppetite => RiskAppetite.ToString(CultureInfo.InvariantCulture),
        ControlCatalogue.ManualOverride => ManualOverride,
        ControlCatalogue.MinSoc => Number(MinSocPercent),
        ControlCatalogue.MaxSoc => Number(MaxSocPercent),
        ControlCatalogue.WaterHeaterMinKwhPerDay => Number(WaterHeaterMinKwhPerDay),
        ControlCatalogue.CarTargetSoc => Number(CarTargetSocPercent),
        ControlCatalogue.CarDeparture => CarDepartureTime.ToString("HH:mm", CultureInfo.InvariantCulture),
        ControlCatalogue.VacationMode => OnOff(VacationMode),
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "Not a stateful Darkstar control."),
    };

    /// <summary>These values with <paramref name="command"/> applied (buttons change nothing).</summary>
    public DarkstarControlValues With(DarkstarCommand command) => command switch
    {
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.ExecutorEnabled } s => this with { ExecutorEnabled = s.On },
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.ShadowMode } s => this with { ShadowMode = s.On },
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.AllowExport } s => this with { AllowExport = s.On },
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.VacationMode } s => this with { VacationMode = s.On },
        DarkstarCommand.ChooseOption { Control: DarkstarSelect.ForecastVersion } s => this with { ForecastVersion = s.Option },
        DarkstarCommand.ChooseOption { Control: DarkstarSelect.RiskAppetite } s => this with { RiskAppetite = int.Parse(s.Option, CultureInfo.InvariantCulture) },
        DarkstarCommand.ChooseOption { Control: DarkstarSelect.ManualOverride } s => this with { ManualOverride = s.Option },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.MinSocPercent } n => this with { MinSocPercent = n.Value },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.MaxSocPercent } n => this with { MaxSocPercent = n.Value },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.WaterHeaterMinKwhPerDay } n => this with { WaterHeaterMinKwhPerDay = n.Value },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.CarTargetSocPercent } n => this with { CarTargetSocPercent = n.Value },
        DarkstarCommand.SetTime { EntityId: ControlCatalogue.CarDeparture } t => this with { CarDepartureTime = t.Time },
        DarkstarCommand.Press => this,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not a Darkstar command."),
    };

    /// <summary>
    /// <paramref name="options"/> as these values amend them for the planner: the user's forecast version, risk appetite,
    /// SoC limits, export, water heating minimum, vacation mode, and the car's target and departure (where no entity of Home Assistant holds them). Every plan is made with the options amended so.
    /// </summary>
    public DarkstarOptions ApplyTo(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            Battery = options.Battery with { MinSocPercent = MinSocPercent, MaxSocPercent = MaxSocPercent },
            Grid = options.Grid with { ExportAllowed = AllowExport },
            WaterHeating = options.WaterHeating with { MinKwhPerDay = WaterHeaterMinKwhPerDay },
            Vacation = options.Vacation with { Enabled = VacationMode },
            SIndex = options.SIndex with { RiskAppetite = RiskAppetite },
            Forecasting = options.Forecasting with { ActiveForecastVersion = ForecastVersionText.Parse(ForecastVersion) },
            Car = options.Car with { TargetSocPercent = CarTargetSocPercent, DepartureTime = CarDepartureTime },
        };
    }

    /// <summary>True when changing control <paramref name="id"/> changes what <see cref="ApplyTo"/> gives the planner.</summary>
    public static bool AmendsPlan(string id) => id is ControlCatalogue.AllowExport or ControlCatalogue.ForecastVersion
        or ControlCatalogue.RiskAppetite or ControlCatalogue.MinSoc or ControlCatalogue.MaxSoc or ControlCatalogue.WaterHeaterMinKwhPerDay
        or ControlCatalogue.CarTargetSoc or ControlCatalogue.CarDeparture
        or ControlCatalogue.VacationMode;

    public static string OnOff(bool on) => on ? ControlCatalogue.On : ControlCatalogue.Off;

    internal static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
