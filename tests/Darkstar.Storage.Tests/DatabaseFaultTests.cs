using Dapper;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;

namespace Darkstar.Storage.Tests;

/// <summary>Real SQLite files in trouble: full, locked by another connection, read-only, damaged.</summary>
public sealed class DatabaseFaultTests
{
    private static IEnumerable<SlotPrice> Prices(DateTimeOffset from, int count) =>
        Enumerable.Range(0, count).Select(i => new SlotPrice
        {
            SlotStart = from + (i * SlotGrid.SlotLength),
            SpotPrice = 0.5,
            ImportPrice = 1.0 + (i % 7),
            ExportPrice = 0.3,
            Source = new string('p', 200),
            FetchedAt = TestDatabase.Now,
        });

    [Fact]
    public async Task Write_DiskFull_SaysDiskFullNotTheRollbacksError_AndWritesOnceSpaceReturns()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new PriceRepository(test.Database);
        var pages = await test.ScalarAsync<long>("PRAGMA page_count;");
        test.Database.MaxPageCount = pages + 2;
        var start = SlotGrid.Floor(TestDatabase.Now);

        var error = await Assert.ThrowsAsync<SqliteException>(() => repository.UpsertAsync(Prices(start, 2000), CancellationToken.None));

        Assert.Equal(DatabaseFaultKind.DiskFull, DatabaseFaults.Classify(error));
        Assert.Contains("full", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("disk full", DatabaseFaults.Describe(error, test.Database.Path), StringComparison.Ordinal);
        Assert.Equal(0, await test.ScalarAsync<long>("SELECT COUNT(*) FROM prices;"));

        test.Database.MaxPageCount = null;
        Assert.Equal(2000, await repository.UpsertAsync(Prices(start, 2000), CancellationToken.None));
    }

    [Fact]
    public async Task Write_AnotherConnectionHoldsAnExclusiveLock_NamedLockedAndTransient()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var impatient = new DarkstarDatabase(test.Database.Path, busyTimeout: TimeSpan.FromMilliseconds(50));
        await using var holder = new SqliteConnection($"Data Source={test.Database.Path}");
        await holder.OpenAsync();
        await holder.ExecuteAsync("BEGIN EXCLUSIVE;");

        var error = await Assert.ThrowsAsync<SqliteException>(
            () => new PriceRepository(impatient).UpsertAsync(Prices(SlotGrid.Floor(TestDatabase.Now), 4), CancellationToken.None));

        Assert.Equal(DatabaseFaultKind.Locked, DatabaseFaults.Classify(error));
        Assert.True(DatabaseFaults.IsTransient(error));
        Assert.StartsWith("database is locked", DatabaseFaults.Describe(error, test.Database.Path), StringComparison.Ordinal);
        await holder.ExecuteAsync("ROLLBACK;");
    }

    [Fact]
    public async Task Write_ReadOnlyConnection_NamedReadOnlyWithWhatToDo()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        // Root writes through any file mode: a read-only connection is the read-only file SQLite sees either way.
        await using var readOnly = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = test.Database.Path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await readOnly.OpenAsync();

        var error = await Assert.ThrowsAsync<SqliteException>(() => readOnly.ExecuteAsync("DELETE FROM prices;"));

        Assert.Equal(DatabaseFaultKind.ReadOnly, DatabaseFaults.Classify(error));
        Assert.Contains("read-only", DatabaseFaults.Describe(error, test.Database.Path), StringComparison.Ordinal);
        Assert.Contains("write access", DatabaseFaults.Describe(error, test.Database.Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_PathIsAFolder_NamedCannotOpenWithWhatToCheck()
    {
        // A path SQLite cannot open, whoever runs the test (root included): a folder where the file should be.
        using var test = await TestDatabase.CreateMigratedAsync();
        var folder = Path.Combine(test.Folder, "not-a-file.db");
        Directory.CreateDirectory(folder);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => new PriceRepository(new DarkstarDatabase(folder)).UpsertAsync(Prices(SlotGrid.Floor(TestDatabase.Now), 4), CancellationToken.None));

        Assert.Equal(DatabaseFaultKind.CannotOpen, DatabaseFaults.Classify(error));
        Assert.Contains("Darkstar's user", DatabaseFaults.Describe(error, folder), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckIntegrity_RandomBytesWrittenIntoACopy_RefusedWithTheWaysOut()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        await new PriceRepository(test.Database).UpsertAsync(Prices(SlotGrid.Floor(TestDatabase.Now), 3000), CancellationToken.None);
        await test.Database.CheckIntegrityAsync(CancellationToken.None);
        var copy = Path.Combine(test.Folder, "copy.db");
        await CopyDamagedAsync(test.Database.Path, copy);

        var error = await Assert.ThrowsAsync<DatabaseCorruptException>(() => new DarkstarDatabase(copy).CheckIntegrityAsync(CancellationToken.None));

        Assert.Contains(copy, error.Message, StringComparison.Ordinal);
        Assert.Contains("Home Assistant backup", error.Message, StringComparison.Ordinal);
        Assert.Contains("move the file aside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_DamagedFile_RefusedAndLeftAsItWas()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        await new PriceRepository(test.Database).UpsertAsync(Prices(SlotGrid.Floor(TestDatabase.Now), 3000), CancellationToken.None);
        var copy = Path.Combine(test.Folder, "copy.db");
        await CopyDamagedAsync(test.Database.Path, copy);
        var before = await File.ReadAllBytesAsync(copy);

        await Assert.ThrowsAsync<DatabaseCorruptException>(() => new SchemaMigrator(new DarkstarDatabase(copy), test.Clock).MigrateAsync(CancellationToken.None));

        SqliteConnection.ClearAllPools();
        Assert.Equal(before, await File.ReadAllBytesAsync(copy));
    }

    /// <summary>A damaged copy of <paramref name="source"/>, checkpointed and closed first.</summary>
    private static async Task CopyDamagedAsync(string source, string copy)
    {
        await using (var connection = new SqliteConnection($"Data Source={source}"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();
        await DamagedFile.CopyWithNoiseAsync(source, copy);
    }
}

/// <summary>A repository whose write fails after SQLite rolled its transaction back by itself, as on a full disk.</summary>
public sealed class TransactionErrorTests
{
    [Fact]
    public async Task InTransaction_SqliteRolledBackItselfThenTheWorkFailed_TheWorksErrorIsThrownNotTheRollbacks()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SelfRollingBack(test.Database);

        var error = await Assert.ThrowsAsync<IOException>(() => repository.WriteAsync(CancellationToken.None));

        Assert.Equal("disk full", error.Message);
        Assert.Equal(0, await test.ScalarAsync<long>("SELECT COUNT(*) FROM user_settings;"));
        // The connection given back to the pool is usable.
        Assert.Equal(1, await test.ScalarAsync<long>("SELECT 1;"));
    }

    private sealed class SelfRollingBack(DarkstarDatabase database) : RepositoryBase(database)
    {
        public Task<int> WriteAsync(CancellationToken cancellationToken) =>
            InTransactionAsync<int>(
                async (connection, transaction) =>
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO user_settings (key, value, updated_at) VALUES ('k', 'v', '2026-01-01T00:00:00Z');", transaction: transaction, cancellationToken: cancellationToken));
                    await connection.ExecuteAsync(new CommandDefinition("ROLLBACK;", cancellationToken: cancellationToken));
                    throw new IOException("disk full");
                },
                cancellationToken);
    }
}
