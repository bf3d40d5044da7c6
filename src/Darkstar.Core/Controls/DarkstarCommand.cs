namespace Darkstar.Core.Controls;

/// <summary>Darkstar's own switches.</summary>
public enum DarkstarSwitch
{
    /// <summary>The master switch: off, the executor commands nothing.</summary>
    ExecutorEnabled,

    /// <summary>On, the executor logs what it would command instead of commanding it.</summary>
    ShadowMode,

    AllowExport,

    /// <summary>On, the planner plans for an empty house (vacation.* options): a lower load, the water heated weekly.</summary>
    VacationMode,
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
    CarTargetSocPercent,
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

    public sealed record SetTime(string EntityId, TimeOnly Time) : DarkstarCommand(EntityId);

    public sealed record Press(string EntityId, DarkstarButton Button) : DarkstarCommand(EntityId);
}

/// <summary>Keeps the values users set through the controls across restarts (the service: the <c>user_settings</c> table).</summary>
public interface IUserSettingsStore
{
    /// <summary>Every stored value, by control id, as its text (<see cref="DarkstarControlValues.StateText"/>).</summary>
    Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(string controlId, string value, CancellationToken cancellationToken);
}
