namespace Darkstar.Core.Domain;

/// <summary>One Aurora training: what was trained on which data window, how, how well, and where the model is.</summary>
public sealed record ModelRun
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    /// <summary>The forecast version this run produces, for example <c>aurora_v3</c>; unique.</summary>
    public required string Version { get; init; }

    /// <summary>What is forecast, for example <c>load</c>, <c>pv</c> or <c>load+pv</c>.</summary>
    public required string Target { get; init; }

    public required DateTimeOffset TrainedAt { get; init; }

    public required DateTimeOffset WindowStart { get; init; }

    public required DateTimeOffset WindowEnd { get; init; }

    public required string FeaturesJson { get; init; }

    public required string HyperparametersJson { get; init; }

    public string? MetricsJson { get; init; }

    public string? ArtifactPath { get; init; }

    public required RunStatus Status { get; init; }
}
