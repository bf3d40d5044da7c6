namespace Darkstar.Core.Domain;

/// <summary>The state of a run: an Aurora or Antares training, or a study of the web UI's Lab.</summary>
public enum RunStatus
{
    Running,
    Succeeded,
    Failed,

    /// <summary>Stopped on the user's request before it finished (a Lab study).</summary>
    Cancelled,
}
