namespace Darkstar.Core.Domain;

/// <summary>What a study of the Lab is: a replay of days (the Time Machine) or a what-if export of a day.</summary>
public enum LabRunKind
{
    Replay,
    LabExport,
}

/// <summary>
/// One study started from the web UI's Lab: what was asked (the request as JSON), how it went, and its result as the
/// command line's <c>--json</c> line gives it, so that the page lists past studies with their results.
/// </summary>
public sealed record LabRun
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    public required LabRunKind Kind { get; init; }

    public required string RequestJson { get; init; }

    public required RunStatus Status { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? ResultJson { get; init; }

    /// <summary>Why it failed or stopped, in words for the user.</summary>
    public string? Error { get; init; }
}
