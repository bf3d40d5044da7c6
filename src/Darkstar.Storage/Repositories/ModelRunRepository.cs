using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>Aurora training runs.</summary>
public sealed class ModelRunRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] ValueColumns =
    [
        "version", "target", "trained_at", "window_start", "window_end", "features_json", "hyperparameters_json",
        "metrics_json", "artifact_path", "status",
    ];

    private static readonly string InsertSql = SqlText.InsertReturningId(Schema.ModelRuns, ValueColumns);

    private static readonly string UpdateSql =
        $"UPDATE {Schema.ModelRuns} SET {string.Join(", ", ValueColumns.Select(c => $"{c} = {SqlText.Parameter(c)}"))} WHERE id = @Id;";

    private static readonly string SelectSql = $"SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.ModelRuns}";

    /// <summary>Records a new run; returns its id. A second run with the same version is refused by the database.</summary>
    public Task<long> InsertAsync(ModelRun run, CancellationToken cancellationToken) =>
        InsertReturningIdAsync(InsertSql, Row.From(run), cancellationToken);

    /// <summary>Replaces the run with id <see cref="ModelRun.Id"/> (for example when training finishes); false if there is none.</summary>
    public async Task<bool> UpdateAsync(ModelRun run, CancellationToken cancellationToken) =>
        await ExecuteAsync(UpdateSql, Row.From(run), cancellationToken) == 1;

    public async Task<ModelRun?> ReadAsync(long id, CancellationToken cancellationToken) =>
        (await QuerySingleOrDefaultAsync<Row>($"{SelectSql} WHERE id = @Id;", new { Id = id }, cancellationToken))?.ToRecord();

    public async Task<ModelRun?> ReadByVersionAsync(string version, CancellationToken cancellationToken) =>
        (await QuerySingleOrDefaultAsync<Row>($"{SelectSql} WHERE version = @Version;", new { Version = version }, cancellationToken))?.ToRecord();

    /// <summary>Every run, oldest training first.</summary>
    public async Task<IReadOnlyList<ModelRun>> ReadAllAsync(CancellationToken cancellationToken) =>
        [.. (await QueryAsync<Row>($"{SelectSql} ORDER BY trained_at, id;", null, cancellationToken)).Select(r => r.ToRecord())];

    private sealed class Row
    {
        public long Id { get; set; }

        public string Version { get; set; } = string.Empty;

        public string Target { get; set; } = string.Empty;

        public DateTimeOffset TrainedAt { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public DateTimeOffset WindowEnd { get; set; }

        public string FeaturesJson { get; set; } = string.Empty;

        public string HyperparametersJson { get; set; } = string.Empty;

        public string? MetricsJson { get; set; }

        public string? ArtifactPath { get; set; }

        public string Status { get; set; } = string.Empty;

        public static Row From(ModelRun run)
        {
            ArgumentNullException.ThrowIfNull(run);
            ArgumentException.ThrowIfNullOrEmpty(run.Version, nameof(run));
            return new Row
            {
                Id = run.Id,
                Version = run.Version,
                Target = run.Target,
                TrainedAt = run.TrainedAt,
                WindowStart = run.WindowStart,
                WindowEnd = run.WindowEnd,
                FeaturesJson = run.FeaturesJson,
                HyperparametersJson = run.HyperparametersJson,
                MetricsJson = run.MetricsJson,
                ArtifactPath = run.ArtifactPath,
                Status = EnumText<RunStatus>.ToText(run.Status),
            };
        }

        public ModelRun ToRecord() => new()
        {
            Id = Id,
            Version = Version,
            Target = Target,
            TrainedAt = TrainedAt,
            WindowStart = WindowStart,
            WindowEnd = WindowEnd,
            FeaturesJson = FeaturesJson,
            HyperparametersJson = HyperparametersJson,
            MetricsJson = MetricsJson,
            ArtifactPath = ArtifactPath,
            Status = EnumText<RunStatus>.Parse(Status),
        };
    }
}
