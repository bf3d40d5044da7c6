using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>Per-day Oracle results. Computing a day again replaces its result.</summary>
public sealed class OracleResultRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["day"];

    private static readonly string[] ValueColumns =
    [
        "oracle_cost", "oracle_import_cost", "oracle_export_revenue", "oracle_battery_wear_cost", "mpc_cost",
        "no_battery_cost", "self_consumption_cost", "regret", "breakdown_json", "computed_at",
    ];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.OracleDailyResults, KeyColumns, ValueColumns);

    public Task<int> UpsertAsync(IEnumerable<OracleDayResult> results, CancellationToken cancellationToken) =>
        ExecuteBatchAsync(UpsertSql, results.Select(r => r ?? throw new ArgumentException("A result is null.", nameof(results))), cancellationToken);

    /// <summary>The results from <paramref name="firstDay"/> to <paramref name="lastDay"/>, both included, by day.</summary>
    public Task<IReadOnlyList<OracleDayResult>> ReadRangeAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        QueryAsync<OracleDayResult>(
            $"SELECT {SqlText.Columns([.. KeyColumns, .. ValueColumns])} FROM {Schema.OracleDailyResults} WHERE day >= @FirstDay AND day <= @LastDay ORDER BY day;",
            new { FirstDay = firstDay, LastDay = lastDay },
            cancellationToken);
}
