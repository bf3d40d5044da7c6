using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>The executor's log, one row per tick and command.</summary>
public sealed class ExecutionLogRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] ValueColumns =
    [
        "executed_at", "slot_start", "plan_id", "planned_action", "commanded_action", "entity_id", "service", "value",
        "success", "duration_ms", "override_mode", "shadow", "error",
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
}
