using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>Antares episodes: a day of inputs and decisions each.</summary>
public sealed class TrainingEpisodeRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] ValueColumns =
        ["day", "system_id", "plan_id", "created_at", "inputs_json", "decisions_json", "metrics_json"];

    private static readonly string InsertSql = SqlText.InsertReturningId(Schema.TrainingEpisodes, ValueColumns);

    private static readonly string InsertManySql =
        $"INSERT INTO {Schema.TrainingEpisodes} ({SqlText.Columns(ValueColumns)}) VALUES ({string.Join(", ", ValueColumns.Select(SqlText.Parameter))});";

    /// <summary>
    /// Replaces <paramref name="systemId"/>'s episodes of the days from <paramref name="firstDay"/> to <paramref name="lastDay"/>
    /// with <paramref name="episodes"/> (a replay of the same days again leaves one set); returns how many were written.
    /// </summary>
    public async Task<int> ReplaceAsync(
        string systemId, DateOnly firstDay, DateOnly lastDay, IEnumerable<TrainingEpisode> episodes, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            $"DELETE FROM {Schema.TrainingEpisodes} WHERE system_id = @SystemId AND day >= @FirstDay AND day <= @LastDay;",
            new { SystemId = systemId, FirstDay = firstDay, LastDay = lastDay },
            cancellationToken);
        return await ExecuteBatchAsync(InsertManySql, episodes, cancellationToken);
    }

    /// <summary>Appends one episode; returns its id.</summary>
    public Task<long> InsertAsync(TrainingEpisode episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        return InsertReturningIdAsync(InsertSql, episode, cancellationToken);
    }

    /// <summary>The episodes of <paramref name="systemId"/> from <paramref name="firstDay"/> to <paramref name="lastDay"/>, both included.</summary>
    public Task<IReadOnlyList<TrainingEpisode>> ReadRangeAsync(
        string systemId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        QueryAsync<TrainingEpisode>(
            $"""
            SELECT id, {SqlText.Columns(ValueColumns)} FROM {Schema.TrainingEpisodes}
            WHERE system_id = @SystemId AND day >= @FirstDay AND day <= @LastDay ORDER BY day, id;
            """,
            new { SystemId = systemId, FirstDay = firstDay, LastDay = lastDay },
            cancellationToken);
}
