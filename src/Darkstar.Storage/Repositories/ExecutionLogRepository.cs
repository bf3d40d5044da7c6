using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>The executor's log, one row per tick and command.</summary>
public sealed class ExecutionLogRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] ValueColumns =
    [
        "executed_at", "slot_start", "plan_id", "planned_action", "commanded_action", "entity_id", "service", "value",
        "success", "duration_ms", "override_mode", "shadow", "error", "mode", "reason",
    ];

    private static readonly string InsertSql = SqlText.InsertReturningId(Schema.ExecutionLog, ValueColumns);

    /// <summary>Appends one record; returns its id.</summary>
    public Task<long> InsertAsync(ExecutionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return InsertReturningIdAsync(InsertSql, record, cancellationToken);
    }

    /// <summary>The records executed in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public Task<IReadOnlyList<ExecutionRecord>> ReadRangeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        QueryAsync<ExecutionRecord>(
            $"SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.ExecutionLog} WHERE executed_at >= @From AND executed_at < @To ORDER BY executed_at, id;",
            new { From = from, To = to },
            cancellationToken);

    /// <summary>The latest change of the executor's mode, if any was logged.</summary>
    public Task<ExecutionRecord?> ReadLatestModeChangeAsync(CancellationToken cancellationToken) =>
        QuerySingleOrDefaultAsync<ExecutionRecord>(
            $"SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.ExecutionLog} WHERE mode IS NOT NULL ORDER BY executed_at DESC, id DESC LIMIT 1;",
            null,
            cancellationToken);

    /// <summary>The executor's changes of mode in [<paramref name="from"/>, <paramref name="to"/>), oldest first, and
    /// the last one before <paramref name="from"/> (the mode in force when the range begins), if any.</summary>
    public Task<IReadOnlyList<ExecutionRecord>> ReadModeChangesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        QueryAsync<ExecutionRecord>(
            $"""
            SELECT * FROM (
                SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.ExecutionLog}
                WHERE mode IS NOT NULL AND executed_at < @From ORDER BY executed_at DESC, id DESC LIMIT 1)
            UNION ALL
            SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.ExecutionLog}
            WHERE mode IS NOT NULL AND executed_at >= @From AND executed_at < @To
            ORDER BY executed_at, id;
            """,
            new { From = from, To = to },
            cancellationToken);
}
