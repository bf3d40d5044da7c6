using Dapper;
using Darkstar.Testing;

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
    public async Task OpenAsync_AnyConnection_HasWalForeignKeysBusyTimeoutAndNormalSync()
    {
        using var test = TestDatabase.CreateEmpty();
        await using var connection = await test.Database.OpenAsync(CancellationToken.None);

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys;"));
        Assert.Equal(5000L, await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout;"));
        // synchronous: 0 OFF, 1 NORMAL, 2 FULL.
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
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
