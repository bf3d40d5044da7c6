using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Storage;

/// <summary>
/// Brings a database up to <see cref="Migrations.LatestVersion"/>. Forward only; each migration runs in
/// its own transaction together with its <c>schema_version</c> row, so it is applied entirely or not at
/// all, and re-running finds it recorded and skips it. A database newer than the code is refused.
/// </summary>
public sealed class SchemaMigrator
{
    private readonly DarkstarDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ILogger<SchemaMigrator> _logger;

    public SchemaMigrator(DarkstarDatabase database, TimeProvider timeProvider, ILogger<SchemaMigrator>? logger = null)
        : this(database, timeProvider, Migrations.All, logger)
    {
    }

    internal SchemaMigrator(
        DarkstarDatabase database,
        TimeProvider timeProvider,
        IReadOnlyList<Migration> migrations,
        ILogger<SchemaMigrator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(migrations);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException(
                    $"Migrations must be numbered 1, 2, 3, ... without gaps; position {i + 1} has version {migrations[i].Version}.",
                    nameof(migrations));
            }
        }

        _database = database;
        _timeProvider = timeProvider;
        _migrations = migrations;
        _logger = logger ?? NullLogger<SchemaMigrator>.Instance;
    }

    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>The highest applied migration, or 0 for a new database.</summary>
    public async Task<int> GetCurrentVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';",
            cancellationToken: cancellationToken));
        return exists == 0 ? 0 : await ReadVersionAsync(connection, null, cancellationToken);
    }

    /// <summary>
    /// Applies every migration not yet applied; returns the versions applied now (empty when up to date). An existing file
    /// is checked first (<see cref="DarkstarDatabase.CheckIntegrityAsync"/>): a damaged one is refused unchanged.
    /// </summary>
    /// <exception cref="DatabaseCorruptException">The file is damaged or is not a database.</exception>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(_database.Path) && new FileInfo(_database.Path).Length > 0)
        {
            await _database.CheckIntegrityAsync(cancellationToken);
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await SwitchToIncrementalVacuumAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Migrations.CreateSchemaVersionTable, cancellationToken: cancellationToken));

        var current = await ReadVersionAsync(connection, null, cancellationToken);
        if (current > LatestVersion)
        {
            throw new SchemaVersionTooNewException(_database.Path, current, LatestVersion);
        }

        var applied = new List<int>();
        foreach (var migration in _migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            if (await ApplyAsync(connection, migration, cancellationToken))
            {
                applied.Add(migration.Version);
            }
        }

        if (applied.Count > 0)
        {
            _logger.LogInformation(
                "Database {Path} migrated to schema version {Version}", _database.Path, applied[^1]);
        }

        return applied;
    }

    /// <summary>
    /// Incremental vacuum (<c>auto_vacuum = INCREMENTAL</c>), so that the daily clean-up can hand freed pages back to the file
    /// system. A file made before it needs one <c>VACUUM</c>, which rewrites it
    /// (9.3 s for 200 MB on two busy shared cores, several times that on an SD card, and as much free space again as the
    /// file). A failed switch (a full disk, a locked or read-only file) is logged and left for the next start: the file works as before.
    /// </summary>
    private async Task SwitchToIncrementalVacuumAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        const long Incremental = 2;
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA auto_vacuum;", cancellationToken: cancellationToken)) == Incremental)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition("PRAGMA auto_vacuum = INCREMENTAL;", cancellationToken: cancellationToken));
        var tables = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table';", cancellationToken: cancellationToken));
        // A file already in WAL mode takes the setting only through a VACUUM, which is instant while it is empty.
        var size = new FileInfo(_database.Path).Length;
        if (tables > 0)
        {
            _logger.LogInformation("Switching {Path} ({Megabytes:0.0} MB) to incremental vacuum: a one-time VACUUM", _database.Path, size / 1e6);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("VACUUM;", cancellationToken: cancellationToken));
            if (tables == 0)
            {
                return;
            }

            _logger.LogInformation(
                "{Path} switched to incremental vacuum in {Seconds:0.0} s", _database.Path, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (SqliteException e) when (DatabaseFaults.IsTransient(e) || DatabaseFaults.Classify(e) == DatabaseFaultKind.ReadOnly)
        {
            _logger.LogWarning("{Path} stays without incremental vacuum until the next start: {Problem}", _database.Path, DatabaseFaults.Describe(e, _database.Path));
        }
    }

    private async Task<bool> ApplyAsync(SqliteConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE (the provider's default) takes the write lock first, so a second process
        // migrating at the same moment waits and then sees the version already recorded.
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var current = await ReadVersionAsync(connection, transaction, cancellationToken);
            if (current >= migration.Version)
            {
                await transaction.DisposeAsync();
                return false;
            }

            _logger.LogInformation("Applying migration {Version} ({Name})", migration.Version, migration.Name);
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt);",
                new { migration.Version, migration.Name, AppliedAt = _timeProvider.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
            return true;
        }
        catch
        {
            // A full disk's own error, not the rollback's "no transaction is active".
            Repositories.RepositoryBase.RollBack(connection, transaction);
            throw;
        }
    }

    private static Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction: transaction, cancellationToken: cancellationToken));
}
