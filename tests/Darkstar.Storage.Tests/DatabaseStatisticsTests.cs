using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace Darkstar.Storage.Tests;

public sealed class DatabaseStatisticsTests
{
    [Fact]
    public async Task CountRowsAsync_MigratedDatabase_CountsEveryTableInSchemaOrder()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var start = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);
        await new SlotObservationRepository(test.Database).UpsertAsync(
            Enumerable.Range(0, 3).Select(i => SlotObservationRepositoryTests.Observation(start.AddMinutes(15 * i), 0.1)),
            CancellationToken.None);

        var counts = await new DatabaseStatistics(test.Database).CountRowsAsync(CancellationToken.None);

        Assert.Equal(Schema.TableNames, counts.Keys);
        Assert.Equal(3, counts[Schema.SlotObservations]);
        Assert.Equal(Migrations.LatestVersion, counts[Schema.SchemaVersion]);
        Assert.All(counts.Where(c => c.Key is not Schema.SlotObservations and not Schema.SchemaVersion), c => Assert.Equal(0, c.Value));
    }

    [Fact]
    public async Task CountRowsAsync_SerialisedForTheCli_IsATablesObjectInOrder()
    {
        using var test = await TestDatabase.CreateMigratedAsync();

        var counts = await new DatabaseStatistics(test.Database).CountRowsAsync(CancellationToken.None);
        var json = JsonSerializer.Serialize(new { tables = counts });

        Assert.StartsWith(
            $$"""{"tables":{"schema_version":{{Migrations.LatestVersion}},"sensor_totals":0,"slot_observations":0,""", json, StringComparison.Ordinal);
        Assert.EndsWith(""""user_settings":0,"lab_runs":0,"manual_blocks":0}}"""", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDarkstarStorage_ResolvedServices_ShareOneDatabase()
    {
        using var folder = new Darkstar.Testing.TempDirectory();
        var path = folder.File("darkstar.db");
        await using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(new Darkstar.Testing.FakeTimeProvider(TestDatabase.Now))
            .AddDarkstarStorage(path)
            .BuildServiceProvider();

        await provider.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
        await provider.GetRequiredService<SensorTotalRepository>().UpsertAsync(
            [new SensorTotal { Role = "load", EntityId = "sensor.load", LastValue = 1, LastReadingAt = TestDatabase.Now, UpdatedAt = TestDatabase.Now }],
            CancellationToken.None);

        Assert.Equal(Path.GetFullPath(path), provider.GetRequiredService<DarkstarDatabase>().Path);
        Assert.Equal(1, (await provider.GetRequiredService<DatabaseStatistics>().CountRowsAsync(CancellationToken.None))[Schema.SensorTotals]);
    }
}
