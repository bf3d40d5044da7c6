using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.Mqtt.Discovery;

namespace Darkstar.Mqtt.Controls;

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

    /// <summary>The ids of the controls that have a state (every switch, select and number).</summary>
    public static IReadOnlyList<string> StatefulIds { get; } =
    [
        DarkstarEntityIds.ExecutorEnabled, DarkstarEntityIds.ShadowMode, DarkstarEntityIds.AllowExport,
        DarkstarEntityIds.ForecastVersion, DarkstarEntityIds.RiskAppetite, DarkstarEntityIds.ManualOverride,
        DarkstarEntityIds.MinSoc, DarkstarEntityIds.MaxSoc, DarkstarEntityIds.WaterHeaterMinKwhPerDay,
    ];

    public static DarkstarControlValues FromOptions(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DarkstarControlValues
        {
            ExecutorEnabled = options.Executor.Enabled,
            ShadowMode = options.Executor.ShadowMode,
            AllowExport = options.Grid.ExportAllowed,
            ForecastVersion = Core.Options.ForecastVersionText.Of(options.Forecasting.ActiveForecastVersion),
            RiskAppetite = options.SIndex.RiskAppetite,
            ManualOverride = "auto",
            MinSocPercent = options.Battery.MinSocPercent,
            MaxSocPercent = options.Battery.MaxSocPercent,
            WaterHeaterMinKwhPerDay = options.WaterHeating.MinKwhPerDay,
        };
    }

    /// <summary>The MQTT state text of control <paramref name="id"/>.</summary>
    public string StateText(string id) => id switch
    {
        DarkstarEntityIds.ExecutorEnabled => OnOff(ExecutorEnabled),
        DarkstarEntityIds.ShadowMode => OnOff(ShadowMode),
        DarkstarEntityIds.AllowExport => OnOff(AllowExport),
        DarkstarEntityIds.ForecastVersion => ForecastVersion,
        DarkstarEntityIds.RiskAppetite => RiskAppetite.ToString(CultureInfo.InvariantCulture),
        DarkstarEntityIds.ManualOverride => ManualOverride,
        DarkstarEntityIds.MinSoc => Number(MinSocPercent),
        DarkstarEntityIds.MaxSoc => Number(MaxSocPercent),
        DarkstarEntityIds.WaterHeaterMinKwhPerDay => Number(WaterHeaterMinKwhPerDay),
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "Not a stateful Darkstar control."),
    };

    /// <summary>These values with <paramref name="command"/> applied (buttons change nothing).</summary>
    public DarkstarControlValues With(DarkstarCommand command) => command switch
    {
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.ExecutorEnabled } s => this with { ExecutorEnabled = s.On },
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.ShadowMode } s => this with { ShadowMode = s.On },
        DarkstarCommand.SetSwitch { Switch: DarkstarSwitch.AllowExport } s => this with { AllowExport = s.On },
        DarkstarCommand.ChooseOption { Control: DarkstarSelect.ForecastVersion } s => this with { ForecastVersion = s.Option },
        DarkstarCommand.ChooseOption { Control: DarkstarSelect.RiskAppetite } s => this with { RiskAppetite = int.Parse(s.Option, CultureInfo.InvariantCulture) },
        DarkstarCommand.ChooseOption { Control: DarkstarSelect.ManualOverride } s => this with { ManualOverride = s.Option },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.MinSocPercent } n => this with { MinSocPercent = n.Value },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.MaxSocPercent } n => this with { MaxSocPercent = n.Value },
        DarkstarCommand.SetNumber { Number: DarkstarNumber.WaterHeaterMinKwhPerDay } n => this with { WaterHeaterMinKwhPerDay = n.Value },
        DarkstarCommand.Press => this,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not a Darkstar command."),
    };

    internal static string OnOff(bool on) => on ? DiscoveryDocument.SwitchOn : DiscoveryDocument.SwitchOff;

    internal static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
