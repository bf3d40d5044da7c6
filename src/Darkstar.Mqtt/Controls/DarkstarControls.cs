namespace Darkstar.Mqtt.Controls;

/// <summary>Darkstar's own switches.</summary>
public enum DarkstarSwitch
{
    /// <summary>The master switch: off, the executor commands nothing.</summary>
    ExecutorEnabled,

    /// <summary>On, the executor logs what it would command instead of commanding it.</summary>
    ShadowMode,

    AllowExport,
}

public enum DarkstarSelect
{
    ForecastVersion,
    RiskAppetite,
    ManualOverride,
}

public enum DarkstarNumber
{
    MinSocPercent,
    MaxSocPercent,
    WaterHeaterMinKwhPerDay,
}

public enum DarkstarButton
{
    Replan,
    RetrainAurora,
}

/// <summary>What a user asked for through one of Darkstar's controls, already validated.</summary>
public abstract record DarkstarCommand(string EntityId)
{
    public sealed record SetSwitch(string EntityId, DarkstarSwitch Switch, bool On) : DarkstarCommand(EntityId);

    public sealed record ChooseOption(string EntityId, DarkstarSelect Control, string Option) : DarkstarCommand(EntityId);

    public sealed record SetNumber(string EntityId, DarkstarNumber Number, double Value) : DarkstarCommand(EntityId);

    public sealed record Press(string EntityId, DarkstarButton Button) : DarkstarCommand(EntityId);
}

/// <summary>
/// Carries out what users ask through Darkstar's MQTT controls. The add-on implements it; the MQTT service calls it
/// only with validated commands, one at a time. Throwing rejects the command: the control keeps its previous state.
/// </summary>
public interface IDarkstarCommandHandler
{
    Task SetSwitchAsync(DarkstarSwitch control, bool isOn, CancellationToken cancellationToken);

    Task SelectAsync(DarkstarSelect control, string selected, CancellationToken cancellationToken);

    Task SetNumberAsync(DarkstarNumber control, double value, CancellationToken cancellationToken);

    Task PressAsync(DarkstarButton button, CancellationToken cancellationToken);
}

/// <summary>Keeps the values users set through the controls across restarts (the add-on: the <c>user_settings</c> table).</summary>
public interface IUserSettingsStore
{
    /// <summary>Every stored value, by control id, as its MQTT state text.</summary>
    Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(string controlId, string value, CancellationToken cancellationToken);
}
