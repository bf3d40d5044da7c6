using Darkstar.Core.Controls;
using Darkstar.Core.Options;

namespace Darkstar.Execution;

/// <summary>
/// What users change at run time through Darkstar's own controls (the MQTT switches, select and numbers):
/// read by the executor at the start of every tick.
/// </summary>
public sealed record ExecutorRuntimeSettings
{
    /// <summary>The master switch: off, the executor commands nothing.</summary>
    public required bool ExecutorEnabled { get; init; }

    /// <summary>On, the executor logs what it would command and commands nothing.</summary>
    public required bool ShadowMode { get; init; }

    /// <summary>Off, no export is ever commanded (the options' <c>grid.export_allowed</c> must allow it too).</summary>
    public required bool AllowExport { get; init; }

    public required ManualOverride Override { get; init; }

    /// <summary>The user's minimum SoC; the executor keeps to the stricter of this and <c>battery.min_soc_percent</c>.</summary>
    public required double MinSocPercent { get; init; }

    /// <summary>The user's maximum SoC; the executor keeps to the stricter of this and <c>battery.max_soc_percent</c>.</summary>
    public required double MaxSocPercent { get; init; }

    /// <summary>The settings as the controls' values give them.</summary>
    public static ExecutorRuntimeSettings From(DarkstarControlValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ExecutorRuntimeSettings
        {
            ExecutorEnabled = values.ExecutorEnabled,
            ShadowMode = values.ShadowMode,
            AllowExport = values.AllowExport,
            Override = ManualOverrideText.TryParse(values.ManualOverride, out var chosen) ? chosen : ManualOverride.Auto,
            MinSocPercent = values.MinSocPercent,
            MaxSocPercent = values.MaxSocPercent,
        };
    }

    /// <summary>The settings as the options start them, before any user change.</summary>
    public static ExecutorRuntimeSettings FromOptions(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ExecutorRuntimeSettings
        {
            ExecutorEnabled = options.Executor.Enabled,
            ShadowMode = options.Executor.ShadowMode,
            AllowExport = options.Grid.ExportAllowed,
            Override = ManualOverride.Auto,
            MinSocPercent = options.Battery.MinSocPercent,
            MaxSocPercent = options.Battery.MaxSocPercent,
        };
    }
}

/// <summary>Where the executor reads the run-time settings from; the service backs it with the <see cref="ControlStore"/>.</summary>
public interface IExecutorSettingsSource
{
    /// <summary>The settings in force now. Called once per tick; must be cheap and never block.</summary>
    ExecutorRuntimeSettings Current { get; }
}

/// <summary>The executor's share of the one <see cref="ControlStore"/>: what users set, read afresh on every tick.</summary>
public sealed class ControlStoreExecutorSettings(ControlStore controls) : IExecutorSettingsSource
{
    public ExecutorRuntimeSettings Current => ExecutorRuntimeSettings.From(controls.Current);
}
