using Dapper;
using Darkstar.Testing;

namespace Darkstar.Storage.Tests;

/// <summary>A real SQLite file of its own, migrated, removed with its folder when the test ends.</summary>
internal sealed class TestDatabase : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 29, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _folder = new();

    private TestDatabase()
    {
        Clock = new FakeTimeProvider(Now);
        Database = new DarkstarDatabase(_folder.File("darkstar.db"));
        Migrator = new SchemaMigrator(Database, Clock);
    }

    public DarkstarDatabase Database { get; }

    public SchemaMigrator Migrator { get; }

    public FakeTimeProvider Clock { get; }

    public string Folder => _folder.Path;

    public static TestDatabase CreateEmpty() => new();

    public static async Task<TestDatabase> CreateMigratedAsync()
    {
        var test = new TestDatabase();
        await test.Migrator.MigrateAsync(CancellationToken.None);
        return test;
    }

    /// <summary>Runs plain SQL, bypassing repositories, to see exactly what is stored.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters));
    }

    public async Task<IReadOnlyList<string>> TableNamesAsync()
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        var names = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;"));
        return names.AsList();
    }

    public void Dispose() => _folder.Dispose();
}
