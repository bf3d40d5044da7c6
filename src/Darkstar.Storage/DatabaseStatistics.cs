using Dapper;

namespace Darkstar.Storage;

/// <summary>Row counts and sizes per table, for <c>db stats</c>. Expects a migrated database.</summary>
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

    /// <summary>
    /// Bytes each table of <see cref="Schema.TableNames"/> takes in the file with its indexes: the pages SQLite's
    /// <c>dbstat</c> table counts where this SQLite has it, else the file's used pages shared out by each table's rows times
    /// the mean size of a sample of them (an estimate: an index counts as its table's values do). The second value says which.
    /// </summary>
    public async Task<(OrderedDictionary<string, long> Bytes, bool Measured)> SizeTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var bytes = new OrderedDictionary<string, long>(Schema.TableNames.Count, StringComparer.Ordinal);
        try
        {
            var pages = (await connection.QueryAsync<(string Table, long Bytes)>(new CommandDefinition(
                "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat AS s JOIN sqlite_master AS m ON m.name = s.name GROUP BY m.tbl_name;",
                cancellationToken: cancellationToken))).ToDictionary(p => p.Table, p => p.Bytes, StringComparer.Ordinal);
            foreach (var name in Schema.TableNames)
            {
                bytes.Add(name, pages.GetValueOrDefault(name));
            }

            return (bytes, true);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.Message.Contains("dbstat", StringComparison.Ordinal))
        {
            var counts = await CountRowsAsync(cancellationToken);
            foreach (var name in Schema.TableNames)
            {
                var columns = (await connection.QueryAsync<string>(new CommandDefinition(
                    $"SELECT name FROM pragma_table_info('{name}');", cancellationToken: cancellationToken))).ToList();
                var rowSize = await connection.ExecuteScalarAsync<double?>(new CommandDefinition(
                    $"SELECT AVG({string.Join(" + ", columns.Select(c => $"COALESCE(length(CAST({c} AS BLOB)), 0)"))}) FROM (SELECT * FROM {name} LIMIT 1000);",
                    cancellationToken: cancellationToken)) ?? 0;
                bytes.Add(name, (long)(rowSize * counts[name]));
            }

            // The values alone leave out keys, indexes and page space: the file's used pages are shared out in their proportion.
            var used = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count());", cancellationToken: cancellationToken))
                * await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA page_size;", cancellationToken: cancellationToken));
            var values = bytes.Values.Sum();
            if (values > 0)
            {
                foreach (var name in Schema.TableNames)
                {
                    bytes[name] = (long)((double)bytes[name] / values * used);
                }
            }

            return (bytes, false);
        }
    }
}
