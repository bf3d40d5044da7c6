namespace Darkstar.Core.Domain;

/// <summary>
/// One Antares episode: a local day of inputs and the decisions taken on it, recorded from the live
/// planner or from a simulation, as training data for imitation models.
/// </summary>
public sealed record TrainingEpisode
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    public required DateOnly Day { get; init; }

    /// <summary>Where the episode came from: <c>live</c> or <c>simulation</c>.</summary>
    public required string SystemId { get; init; }

    /// <summary>The plan the decisions came from, when there is one.</summary>
    public long? PlanId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string InputsJson { get; init; }

    public required string DecisionsJson { get; init; }

    public string? MetricsJson { get; init; }
}
