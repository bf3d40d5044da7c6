using Dapper;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;

namespace Darkstar.Storage.Tests;

public sealed class DarkstarDatabaseTests
{
    [Fact]
    public async Task OpenAsync_FolderMissing_CreatesFolderAndFile()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "nested", "deeper", "darkstar.db");
        var database = new DarkstarDatabase(path);

        await using (await database.OpenAsync(CancellationToken.None))
        {
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task OpenAsync_AnyConnection_HasWalForeignKeysAndNormalSync()
    {
        using var test = TestDatabase.CreateEmpty();
        await using var connection = await test.Database.OpenAsync(CancellationToken.None);

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys;"));
        // synchronous: 0 OFF, 1 NORMAL, 2 FULL.
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
    }

    [Fact]
    public async Task OpenAsync_AnotherConnectionWritingBriefly_WriterWaitsMillisecondsNotASecond()
    {
        using var test = TestDatabase.CreateEmpty();
        await using var holder = await test.Database.OpenAsync(CancellationToken.None);
        await using var writer = await test.Database.OpenAsync(CancellationToken.None);
        await writer.ExecuteAsync("CREATE TABLE t (x INTEGER);");
        await holder.ExecuteAsync("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");
        // The holder commits from a thread of its own: the writer below blocks its thread, and a busy thread pool must not
        // delay the commit the writer waits for.
        using var pause = new ManualResetEventSlim();
        var release = new Thread(() =>
        {
            pause.Wait(TimeSpan.FromMilliseconds(30));
            holder.Execute("COMMIT;");
        });
        var started = TimeProvider.System.GetTimestamp();
        release.Start();
        await writer.ExecuteAsync("INSERT INTO t VALUES (2);");
        var waited = TimeProvider.System.GetElapsedTime(started);
        release.Join();

        // busy_timeout alone: the SQLite 3.35.5 bundled before (built without usleep) slept a whole second per attempt;
        // 3.53's handler retries within milliseconds.
        Assert.True(waited < TimeSpan.FromMilliseconds(500), $"the writer waited {waited.TotalMilliseconds:0} ms");
        Assert.Equal(2L, await writer.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));
    }

    [Fact(Timeout = 30_000)]
    public async Task OpenAsync_AnotherConnectionHoldsTheLockPastTheBusyTimeout_WriterFailsWithDatabaseIsLocked()
    {
        using var folder = new TempDirectory();
        var database = new DarkstarDatabase(folder.File("darkstar.db"), busyTimeout: TimeSpan.FromMilliseconds(200));
        await using var holder = await database.OpenAsync(CancellationToken.None);
        await using var writer = await database.OpenAsync(CancellationToken.None);
        await writer.ExecuteAsync("CREATE TABLE t (x INTEGER);");
        await holder.ExecuteAsync("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");

        // On a thread of its own, so that a writer that waited forever would fail the test at its timeout, not hang it.
        var error = await Assert.ThrowsAsync<SqliteException>(() => Task.Run(() => writer.ExecuteAsync("INSERT INTO t VALUES (2);")));

        Assert.Equal(SQLitePCL.raw.SQLITE_BUSY, error.SqliteErrorCode);
        Assert.Contains("database is locked", error.Message, StringComparison.Ordinal);
        await holder.ExecuteAsync("COMMIT;");
        Assert.Equal(1L, await writer.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t;"));
    }

    [Fact]
    public void Constructor_BusyTimeoutUnderAMillisecond_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DarkstarDatabase("darkstar.db", busyTimeout: TimeSpan.Zero));
    }

    [Fact]
    public async Task OpenAsync_CancelledToken_Throws()
    {
        using var test = TestDatabase.CreateEmpty();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Database.OpenAsync(cancelled.Token));
    }

    [Fact]
    public void Constructor_EmptyPath_Throws()
    {
        Assert.Throws<ArgumentException>(() => new DarkstarDatabase(" "));
    }
}
