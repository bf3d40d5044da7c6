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

    /// <summary>
    /// A cap on the file's size in pages for every connection opened from now on; null leaves SQLite's own. A size-limited
    /// file is how the tests see a full disk (<c>database or disk is full</c>) without filling one.
    /// </summary>
    public long? MaxPageCount { get; set; }

    // SQLite's own largest page count, the cap when none is set.
    private const long NoPageCap = 4294967294;

    private volatile bool _capped;

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
                // A pooled connection keeps the cap it was given: once a cap was set, every connection is told the current one.
                if (MaxPageCount is not null)
                {
                    _capped = true;
                }

                command.CommandText = _capped
                    ? string.Create(CultureInfo.InvariantCulture, $"{_connectionPragmas} PRAGMA max_page_count = {MaxPageCount ?? NoPageCap};")
                    : _connectionPragmas;
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

    /// <summary>
    /// SQLite's <c>quick_check</c>: throws <see cref="DatabaseCorruptException"/>, with what to do, when the file is damaged
    /// or is not a database at all. Reads every page once (seconds for a large file on an SD card); run at start only.
    /// </summary>
    public async Task CheckIntegrityAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(5);";
            var problems = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    problems.Add(reader.GetString(0));
                }
            }

            if (problems is not ["ok"])
            {
                throw new DatabaseCorruptException(Path, $"integrity check: {string.Join("; ", problems)}", null);
            }
        }
        catch (SqliteException e) when (DatabaseFaults.Classify(e) == DatabaseFaultKind.Corrupt)
        {
            throw new DatabaseCorruptException(Path, e.Message, e);
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
