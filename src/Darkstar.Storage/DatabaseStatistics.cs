using Dapper;

namespace Darkstar.Storage;

/// <summary>Row counts per table, for <c>db stats</c>. Expects a migrated database.</summary>
public sealed class DatabaseStatistics
{
    private readonly DarkstarDatabase _database;

    public DatabaseStatistics(DarkstarDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    // Table names come from Schema.TableNames, never from input, so composing them into SQL is safe.
    private static readonly string CountSql = string.Join(
        " UNION ALL ",
        Schema.TableNames.Select((name, i) => $"SELECT {i} AS position, COUNT(*) AS row_count FROM {name}")) + " ORDER BY position;";

    /// <summary>Every table of <see cref="Schema.TableNames"/> with its row count, in that order.</summary>
    public async Task<OrderedDictionary<string, long>> CountRowsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var counts = await connection.QueryAsync<(long Position, long RowCount)>(
            new CommandDefinition(CountSql, cancellationToken: cancellationToken));
        var byTable = new OrderedDictionary<string, long>(Schema.TableNames.Count, StringComparer.Ordinal);
        foreach (var (position, rowCount) in counts)
        {
            byTable.Add(Schema.TableNames[(int)position], rowCount);
        }

        return byTable;
    }
}
