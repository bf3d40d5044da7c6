using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>Antares training runs.</summary>
public sealed class AntaresTrainingRunRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] ValueColumns =
    [
        "started_at", "finished_at", "dataset_version", "window_start_day", "window_end_day", "model_type", "targets_json",
        "hyperparameters_json", "metrics_json", "artifact_path", "status",
    ];

    private static readonly string InsertSql = SqlText.InsertReturningId(Schema.AntaresTrainingRuns, ValueColumns);

    private static readonly string UpdateSql =
        $"UPDATE {Schema.AntaresTrainingRuns} SET {string.Join(", ", ValueColumns.Select(c => $"{c} = {SqlText.Parameter(c)}"))} WHERE id = @Id;";

    private static readonly string SelectSql = $"SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.AntaresTrainingRuns}";

    /// <summary>Records a new run; returns its id.</summary>
    public Task<long> InsertAsync(AntaresTrainingRun run, CancellationToken cancellationToken) =>
        InsertReturningIdAsync(InsertSql, Row.From(run), cancellationToken);

    /// <summary>Replaces the run with id <see cref="AntaresTrainingRun.Id"/> (for example when it finishes); false if there is none.</summary>
    public async Task<bool> UpdateAsync(AntaresTrainingRun run, CancellationToken cancellationToken) =>
        await ExecuteAsync(UpdateSql, Row.From(run), cancellationToken) == 1;

    public async Task<AntaresTrainingRun?> ReadAsync(long id, CancellationToken cancellationToken) =>
        (await QuerySingleOrDefaultAsync<Row>($"{SelectSql} WHERE id = @Id;", new { Id = id }, cancellationToken))?.ToRecord();

    /// <summary>Every run, oldest first.</summary>
    public async Task<IReadOnlyList<AntaresTrainingRun>> ReadAllAsync(CancellationToken cancellationToken) =>
        [.. (await QueryAsync<Row>($"{SelectSql} ORDER BY started_at, id;", null, cancellationToken)).Select(r => r.ToRecord())];

    // The status is text in the database; Dapper would write the enum as a number.
    private sealed class Row
    {
        public long Id { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public string DatasetVersion { get; set; } = string.Empty;

        public DateOnly WindowStartDay { get; set; }

        public DateOnly WindowEndDay { get; set; }

        public string ModelType { get; set; } = string.Empty;

        public string TargetsJson { get; set; } = string.Empty;

        public string HyperparametersJson { get; set; } = string.Empty;

        public string? MetricsJson { get; set; }

        public string? ArtifactPath { get; set; }

        public string Status { get; set; } = string.Empty;

        public static Row From(AntaresTrainingRun run)
        {
            ArgumentNullException.ThrowIfNull(run);
            return new Row
            {
                Id = run.Id,
                StartedAt = run.StartedAt,
                FinishedAt = run.FinishedAt,
                DatasetVersion = run.DatasetVersion,
                WindowStartDay = run.WindowStartDay,
                WindowEndDay = run.WindowEndDay,
                ModelType = run.ModelType,
                TargetsJson = run.TargetsJson,
                HyperparametersJson = run.HyperparametersJson,
                MetricsJson = run.MetricsJson,
                ArtifactPath = run.ArtifactPath,
                Status = EnumText<RunStatus>.ToText(run.Status),
            };
        }

        public AntaresTrainingRun ToRecord() => new()
        {
            Id = Id,
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            DatasetVersion = DatasetVersion,
            WindowStartDay = WindowStartDay,
            WindowEndDay = WindowEndDay,
            ModelType = ModelType,
            TargetsJson = TargetsJson,
            HyperparametersJson = HyperparametersJson,
            MetricsJson = MetricsJson,
            ArtifactPath = ArtifactPath,
            Status = EnumText<RunStatus>.Parse(Status),
        };
    }
}
