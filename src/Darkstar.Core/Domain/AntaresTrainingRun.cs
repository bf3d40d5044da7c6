namespace Darkstar.Core.Domain;

/// <summary>One Antares training run: data window, targets, model, hyper-parameters, metrics and artifact.</summary>
public sealed record AntaresTrainingRun
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public required string DatasetVersion { get; init; }

    public required DateOnly WindowStartDay { get; init; }

    /// <summary>The last day of the window, inclusive.</summary>
    public required DateOnly WindowEndDay { get; init; }

    public required string ModelType { get; init; }

    public required string TargetsJson { get; init; }

    public required string HyperparametersJson { get; init; }

    public string? MetricsJson { get; init; }

    public string? ArtifactPath { get; init; }

    public required RunStatus Status { get; init; }
}
