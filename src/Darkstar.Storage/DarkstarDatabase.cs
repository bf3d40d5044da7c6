using System.Globalization;
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
    /// <summary>How long a writer waits for another connection's (or process's) write lock before <c>database is locked</c>.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    private readonly ILogger<DarkstarDatabase> _logger;

    private readonly string _connectionPragmas;

    public DarkstarDatabase(string path, ILogger<DarkstarDatabase>? logger = null, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var timeout = busyTimeout ?? DefaultBusyTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromMilliseconds(1), nameof(busyTimeout));
        StorageRuntime.EnsureInitialised();
        _logger = logger ?? NullLogger<DarkstarDatabase>.Instance;
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // The provider retries a statement SQLite still finds busy until this many whole seconds have passed
            // (0 would retry forever); at the busy timeout rounded up, the SQLite wait is the one that counts.
            DefaultTimeout = (int)Math.Ceiling(timeout.TotalSeconds),
        }.ToString();
        // SQLite's own busy handler: since the bundled library is built with usleep (3.53 through SQLitePCLRaw 3),
        // it retries after 1, 2, 5 … 100 ms, so a writer behind a short lock goes on within milliseconds.
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
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
                command.CommandText = _connectionPragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

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
        return Convert.ToString(mode, CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
