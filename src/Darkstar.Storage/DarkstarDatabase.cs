using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Storage;

/// <summary>
/// The one SQLite file of a Darkstar installation. Hands out open connections set up the same way:
/// WAL journal (readers never block the writer), a busy timeout so concurrent writers wait instead of
/// failing, foreign keys enforced, and <c>synchronous=NORMAL</c> (durable across process crashes, and
/// WAL keeps the file consistent across power loss).
/// </summary>
public sealed class DarkstarDatabase
{
    public const int BusyTimeoutMs = 5000;

    private const string ConnectionPragmas =
        "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    private readonly ILogger<DarkstarDatabase> _logger;

    public DarkstarDatabase(string path, ILogger<DarkstarDatabase>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        StorageRuntime.EnsureInitialised();
        _logger = logger ?? NullLogger<DarkstarDatabase>.Instance;
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    public string ConnectionString { get; }

    /// <summary>Opens a connection, creating the file and its folder when they are missing.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            _logger.LogInformation("Creating the database folder {Folder}", folder);
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = ConnectionPragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            // After the pragmas: a busy handler replaces the one busy_timeout set.
            Native.SqliteBusyHandler.Install(connection, BusyTimeoutMs);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The journal mode the file is in (<c>wal</c> once a connection has been opened).</summary>
    public async Task<string> GetJournalModeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        var mode = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
