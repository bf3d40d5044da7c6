using Dapper;
using Darkstar.Core.Time;
using Microsoft.Data.Sqlite;

namespace Darkstar.Storage.Repositories;

/// <summary>What every repository does the same way: one connection per call, one transaction per batch.</summary>
public abstract class RepositoryBase
{
    protected RepositoryBase(DarkstarDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        Database = database;
    }

    protected DarkstarDatabase Database { get; }

    /// <summary>
    /// Runs <paramref name="sql"/> once per row inside one transaction: every row is written or none is.
    /// Rows are taken lazily, so a row that fails validation, or a cancellation, midway rolls back the rows before it.
    /// </summary>
    protected async Task<int> ExecuteBatchAsync<TRow>(string sql, IEnumerable<TRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // Dapper runs one command for every row of the sequence, so the statement is prepared once.
        return await InTransactionAsync(
            (connection, transaction) => connection.ExecuteAsync(
                new CommandDefinition(sql, CheckedEach(rows, cancellationToken), transaction, cancellationToken: cancellationToken)),
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction on a connection of its own and commits it. When the work or the
    /// commit fails, the error that caused it is the one thrown: SQLite has rolled back by itself after some errors (a full
    /// disk), and the rollback's own "no transaction is active" must not hide why.
    /// </summary>
    protected async Task<T> InTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await Database.OpenAsync(cancellationToken);
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
            return result;
        }
        catch
        {
            RollBack(connection, transaction);
            throw;
        }
    }

    /// <summary>Rolls back what SQLite has not rolled back itself, without an error of its own.</summary>
    internal static void RollBack(SqliteConnection connection, SqliteTransaction transaction)
    {
        try
        {
            transaction.Dispose();
        }
        catch (SqliteException)
        {
            // No transaction was active any more: closing the connection drops what is left of it.
            SqliteConnection.ClearPool(connection);
            connection.Close();
        }
    }

    /// <summary>
    /// As <see cref="ExecuteBatchAsync{TRow}"/>, for the large batches of the ETL: one prepared command whose
    /// parameters (one per column, in the statement's order) are set from <paramref name="values"/> for each row,
    /// instead of mapping every row's properties anew. (Statements of many rows are slower with this SQLite binding:
    /// it looks every parameter up by name, so binding grows with the square of the parameters.)
    /// </summary>
    protected async Task<int> ExecutePreparedBatchAsync<TRow>(
        string sql, IReadOnlyList<string> columns, Action<TRow, object?[]> values, IEnumerable<TRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(rows);
        return await InTransactionAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                var parameters = columns.Select(c => command.Parameters.Add(new SqliteParameter(SqlText.Parameter(c), DBNull.Value))).ToArray();
                command.Prepare();
                var row = new object?[columns.Count];
                var count = 0;
                foreach (var item in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    values(item, row);
                    for (var i = 0; i < parameters.Length; i++)
                    {
                        parameters[i].Value = row[i] ?? DBNull.Value;
                    }

                    count += command.ExecuteNonQuery();
                }

                return Task.FromResult(count);
            },
            cancellationToken);
    }

    private static IEnumerable<TRow> CheckedEach<TRow>(IEnumerable<TRow> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    protected async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    protected async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    protected async Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    protected async Task<long> InsertReturningIdAsync(string sql, object row, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await InsertReturningIdAsync(connection, null, sql, row, cancellationToken);
    }

    protected static Task<long> InsertReturningIdAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, object row, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, row, transaction, cancellationToken: cancellationToken));

    /// <summary>Slot keys are the quarter-hour grid; anything else would be a second, unmatched key for the same slot.</summary>
    protected static DateTimeOffset RequireSlotStart(DateTimeOffset slotStart, string what)
    {
        if (!Core.Time.SlotGrid.IsAligned(slotStart))
        {
            throw new ArgumentException(
                $"{what} has slot start {InstantText.Format(slotStart)}, which is not on the 15-minute slot grid.", nameof(slotStart));
        }

        return slotStart;
    }
}
