using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>The last cumulative reading per sensor role; the ETL's resume point.</summary>
public sealed class SensorTotalRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["role"];

    private static readonly string[] ValueColumns = ["entity_id", "last_value", "unit", "last_reading_at", "updated_at"];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.SensorTotals, KeyColumns, ValueColumns);

    private static readonly string SelectSql = $"SELECT {SqlText.Columns([.. KeyColumns, .. ValueColumns])} FROM {Schema.SensorTotals}";

    public Task<int> UpsertAsync(IEnumerable<SensorTotal> totals, CancellationToken cancellationToken) =>
        ExecuteBatchAsync(UpsertSql, totals.Select(Validate), cancellationToken);

    /// <summary>Every role's last reading, by role.</summary>
    public Task<IReadOnlyList<SensorTotal>> ReadAllAsync(CancellationToken cancellationToken) =>
        QueryAsync<SensorTotal>($"{SelectSql} ORDER BY role;", null, cancellationToken);

    public Task<SensorTotal?> ReadAsync(string role, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        return QuerySingleOrDefaultAsync<SensorTotal>($"{SelectSql} WHERE role = @Role;", new { Role = role }, cancellationToken);
    }

    private static SensorTotal Validate(SensorTotal total)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentException.ThrowIfNullOrEmpty(total.Role, nameof(total));
        ArgumentException.ThrowIfNullOrEmpty(total.EntityId, nameof(total));
        return total;
    }
}
