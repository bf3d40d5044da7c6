namespace Darkstar.Core.Domain;

/// <summary>
/// How Darkstar, or one of its parts (the executor), is doing: the three states of the status entity and <c>/health</c>.
/// </summary>
public enum DarkstarStatus
{
    /// <summary>Working as it should, or deliberately idle (the executor switched off).</summary>
    Ok,

    /// <summary>
    /// Running, but on a fallback: safe mode for want of a usable plan or of Home Assistant's connection, a limit that
    /// changed what was asked, late prices, a loop whose latest round failed. The reason says which.
    /// </summary>
    Degraded,

    /// <summary>Not able to do what it must (commands refused, the executor itself failed): the reason says why.</summary>
    Error,
}

/// <summary>The words of <see cref="DarkstarStatus"/> as the status entity and <c>/health</c> show them.</summary>
public static class DarkstarStatusText
{
    /// <summary>Every word, in the enum's order: the options of the status entity.</summary>
    public static IReadOnlyList<string> All { get; } = ["ok", "degraded", "error"];

    public static string Of(DarkstarStatus status) => status switch
    {
        DarkstarStatus.Ok => "ok",
        DarkstarStatus.Degraded => "degraded",
        _ => "error",
    };
}

/// <summary>Darkstar's one status and its reason, as the MQTT status entity and <c>/health</c> show it.</summary>
public interface IDarkstarStatusSource
{
    /// <summary>Raised whenever the status may have changed (after every executor tick).</summary>
    event EventHandler? Changed;

    /// <summary>The status now, and its reason (null when ok).</summary>
    (DarkstarStatus Status, string? Reason) Current();
}
