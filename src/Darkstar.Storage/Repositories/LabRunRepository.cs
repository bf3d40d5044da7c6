using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>The web UI's Lab studies (<see cref="LabRun"/>): each recorded when it starts and updated when it ends.</summary>
public sealed class LabRunRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] ValueColumns = ["kind", "request_json", "status", "started_at", "finished_at", "result_json", "error"];

    private static readonly string InsertSql = SqlText.InsertReturningId(Schema.LabRuns, ValueColumns);

    private static readonly string UpdateSql =
        $"UPDATE {Schema.LabRuns} SET {string.Join(", ", ValueColumns.Select(c => $"{c} = {SqlText.Parameter(c)}"))} WHERE id = @Id;";

    private static readonly string SelectSql = $"SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.LabRuns}";

    /// <summary>Records a new run; returns its id.</summary>
    public Task<long> InsertAsync(LabRun run, CancellationToken cancellationToken) =>
        InsertReturningIdAsync(InsertSql, Row.From(run), cancellationToken);

    /// <summary>Replaces the run with id <see cref="LabRun.Id"/> (when it ends); false if there is none.</summary>
    public async Task<bool> UpdateAsync(LabRun run, CancellationToken cancellationToken) =>
        await ExecuteAsync(UpdateSql, Row.From(run), cancellationToken) == 1;

    public async Task<LabRun?> ReadAsync(long id, CancellationToken cancellationToken) =>
        (await QuerySingleOrDefaultAsync<Row>($"{SelectSql} WHERE id = @Id;", new { Id = id }, cancellationToken))?.ToRecord();

    /// <summary>The latest <paramref name="limit"/> runs, newest first.</summary>
    public async Task<IReadOnlyList<LabRun>> ReadLatestAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await QueryAsync<Row>($"{SelectSql} ORDER BY id DESC LIMIT @Limit;", new { Limit = limit }, cancellationToken)).Select(r => r.ToRecord())];

    /// <summary>
    /// Marks every run still <c>running</c> as failed with <paramref name="error"/>: at start, a row left running is one
    /// the service stopped in the middle of (a restart, a crash). Returns how many there were.
    /// </summary>
    public Task<int> FailRunningAsync(string error, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"UPDATE {Schema.LabRuns} SET status = 'failed', error = @Error, finished_at = @At WHERE status = 'running';",
            new { Error = error, At = at },
            cancellationToken);

    // Kind and status are text in the database; Dapper would write the enums as numbers.
    private sealed class Row
    {
        public long Id { get; set; }

        public string Kind { get; set; } = string.Empty;

        public string RequestJson { get; set; } = string.Empty;

        public string Status { get; set; } = string.Empty;

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public string? ResultJson { get; set; }

        public string? Error { get; set; }

        public static Row From(LabRun run)
        {
            ArgumentNullException.ThrowIfNull(run);
            return new Row
            {
                Id = run.Id,
                Kind = EnumText<LabRunKind>.ToText(run.Kind),
                RequestJson = run.RequestJson,
                Status = EnumText<RunStatus>.ToText(run.Status),
                StartedAt = run.StartedAt,
                FinishedAt = run.FinishedAt,
                ResultJson = run.ResultJson,
                Error = run.Error,
            };
        }

        public LabRun ToRecord() => new()
        {
            Id = Id,
            Kind = EnumText<LabRunKind>.Parse(Kind),
            RequestJson = RequestJson,
            Status = EnumText<RunStatus>.Parse(Status),
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            ResultJson = ResultJson,
            Error = Error,
        };
    }
}
