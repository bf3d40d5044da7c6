namespace Darkstar.Core.Domain;

/// <summary>The state of a training run (Aurora or Antares).</summary>
public enum RunStatus
{
    Running,
    Succeeded,
    Failed,
}
