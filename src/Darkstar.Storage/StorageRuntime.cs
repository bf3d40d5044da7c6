using Dapper;
using Microsoft.Data.Sqlite;

namespace Darkstar.Storage;

/// <summary>
/// Process-wide set-up that SQLite and Dapper need before the first connection: the native SQLite
/// provider, and the type handlers that give instants and days their one text form. Idempotent.
/// </summary>
public static class StorageRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialised;

    /// <summary>The version of the SQLite library the provider loaded, by its own <c>sqlite_version()</c>, e.g. 3.53.4.</summary>
    /// <exception cref="DllNotFoundException">The native library of the SQLite package is missing.</exception>
    public static string SqliteVersion()
    {
        EnsureInitialised();
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection.ExecuteScalar<string>("SELECT sqlite_version();") ?? string.Empty;
    }

    public static void EnsureInitialised()
    {
        lock (Gate)
        {
            if (_initialised)
            {
                return;
            }

            SQLitePCL.Batteries_V2.Init();

            // Dapper passes DateTimeOffset (and DateOnly) to the provider natively, which would bypass the
            // handlers and write the provider's own format; removing the built-in mapping routes them
            // through ours. Adding a handler for a value type also covers its Nullable<T>.
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
            SqlMapper.AddTypeHandler(typeof(DateTimeOffset), new InstantTypeHandler());
            SqlMapper.RemoveTypeMap(typeof(DateOnly));
            SqlMapper.RemoveTypeMap(typeof(DateOnly?));
            SqlMapper.AddTypeHandler(typeof(DateOnly), new DayTypeHandler());

            // Columns are snake_case, record properties PascalCase: slot_start fills SlotStart.
            DefaultTypeMap.MatchNamesWithUnderscores = true;
            _initialised = true;
        }
    }
}
