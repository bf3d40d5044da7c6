using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>The user's manual blocks (<c>manual_blocks</c>); <see cref="ManualBlockStore"/> is the one way the service changes them.</summary>
public sealed class ManualBlockRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] Columns = ["action", "start_at", "end_at", "target_soc_percent", "power_kw", "energy_kwh", "created_at"];

    private static readonly string InsertSql = SqlText.InsertReturningId(Schema.ManualBlocks, Columns);

    private static readonly string SelectSql = $"SELECT id, {SqlText.Columns(Columns)} FROM {Schema.ManualBlocks}";

    public Task<long> InsertAsync(ManualBlock block, CancellationToken cancellationToken) =>
        InsertReturningIdAsync(InsertSql, Row.From(block), cancellationToken);

    /// <summary>The blocks that end after <paramref name="now"/>, in order of start.</summary>
    public async Task<IReadOnlyList<ManualBlock>> ReadEndingAfterAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await QueryAsync<Row>($"{SelectSql} WHERE end_at > @Now ORDER BY start_at, id;", new { Now = now }, cancellationToken)).Select(r => r.ToRecord())];

    /// <summary>Deletes the blocks that ended at or before <paramref name="now"/>; returns how many.</summary>
    public Task<int> DeleteEndedAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {Schema.ManualBlocks} WHERE end_at <= @Now;", new { Now = now }, cancellationToken);

    public Task<int> DeleteAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {Schema.ManualBlocks} WHERE id = @Id;", new { Id = id }, cancellationToken);

    public Task<int> DeleteAllAsync(CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {Schema.ManualBlocks};", null, cancellationToken);

    // The action is text in the database; Dapper would write the enum as a number.
    private sealed class Row
    {
        public long Id { get; set; }

        public string Action { get; set; } = string.Empty;

        public DateTimeOffset StartAt { get; set; }

        public DateTimeOffset EndAt { get; set; }

        public double? TargetSocPercent { get; set; }

        public double? PowerKw { get; set; }

        public double? EnergyKwh { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public static Row From(ManualBlock block)
        {
            ArgumentNullException.ThrowIfNull(block);
            return new Row
            {
                Action = BlockActionText.Of(block.Action),
                StartAt = RequireSlotStart(block.Start, "A block's start"),
                EndAt = RequireSlotStart(block.End, "A block's end"),
                TargetSocPercent = block.TargetSocPercent,
                PowerKw = block.PowerKw,
                EnergyKwh = block.EnergyKwh,
                CreatedAt = block.CreatedAt,
            };
        }

        public ManualBlock ToRecord() => new()
        {
            Id = Id,
            Action = BlockActionText.TryParse(Action, out var action) ? action : throw new FormatException($"'{Action}' is not a block action."),
            Start = StartAt,
            End = EndAt,
            TargetSocPercent = TargetSocPercent,
            PowerKw = PowerKw,
            EnergyKwh = EnergyKwh,
            CreatedAt = CreatedAt,
        };
    }
}
