using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Storage.Tests;

/// <summary>The user's manual blocks in a real SQLite file on a fake clock: stored, refused with a reason, kept across a restart, and gone once ended.</summary>
public sealed class ManualBlockStoreTests
{
    private static readonly DarkstarOptions Options = new()
    {
        Battery = new BatteryOptions { CapacityKwh = 10, MinSocPercent = 10, MaxSocPercent = 95, MaxChargeKw = 5, MaxDischargeKw = 5 },
    };

    private static readonly DateTimeOffset Now = TestDatabase.Now;

    [Fact]
    public async Task AddAsync_AValidBlock_IsStoredAndKeptAcrossARestart()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        using var store = Store(test);
        var changes = 0;
        store.Changed += (_, _) => changes++;

        var result = await store.AddAsync(new ManualBlockRequest("charge", Now.AddHours(1), Now.AddHours(3), TargetSocPercent: 80), CancellationToken.None);

        Assert.Null(result.Error);
        Assert.True(result.Block!.Id > 0);
        Assert.Equal(1, changes);
        // A new store on the same file, as after a restart of the add-on.
        using var restarted = Store(test);
        var block = Assert.Single(await restarted.ActiveAsync(CancellationToken.None));
        Assert.Equal((BlockAction.Charge, Now.AddHours(1), Now.AddHours(3), 80.0), (block.Action, block.Start, block.End, block.TargetSocPercent));
    }

    [Fact]
    public async Task ActiveAsync_AfterTheBlockEnded_RemovesItAndSaysSo()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        using var store = Store(test);
        await store.AddAsync(new ManualBlockRequest("hold", Hours: 1), CancellationToken.None);
        var ended = new List<bool>();
        store.Changed += (_, change) => ended.Add(change.Ended);

        test.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Single(await store.ActiveAsync(CancellationToken.None));
        test.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await store.ActiveAsync(CancellationToken.None));

        Assert.Equal([true], ended);
        Assert.Equal(0, await test.ScalarAsync<long>("SELECT COUNT(*) FROM manual_blocks;"));
    }

    [Fact]
    public async Task DeleteAndClear_RemoveBlocks()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        using var store = Store(test);
        var first = (await store.AddAsync(new ManualBlockRequest("hold", Hours: 1), CancellationToken.None)).Block!;
        await store.AddAsync(new ManualBlockRequest("charge", Now.AddHours(2), Hours: 1), CancellationToken.None);

        Assert.True(await store.DeleteAsync(first.Id, CancellationToken.None));
        Assert.False(await store.DeleteAsync(first.Id, CancellationToken.None));
        Assert.Equal(1, await store.ClearAsync(CancellationToken.None));
        Assert.Empty(await store.ActiveAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("boost", null, 1.0, null, "action 'boost' is not one of charge, discharge, export, hold, water_heater")]
    [InlineData(null, null, 1.0, null, "action is missing")]
    [InlineData("charge", -1.0, 1.0, null, "is in the past")]
    [InlineData("charge", 47.0, 2.0, null, "more than 48 hours ahead")]
    [InlineData("charge", 1.0, 0.1, null, "hours must be a positive multiple of 0.25")]
    [InlineData("charge", 1.0, 1.0, 120.0, "target_soc_percent 120 is outside the battery's 10–95 %")]
    [InlineData("hold", 1.0, 1.0, 50.0, "target_soc_percent is for charge blocks")]
    [InlineData("water_heater", 1.0, 1.0, null, "needs the water heater planned (water_heating.enabled)")]
    public async Task AddAsync_BadInput_IsRefusedWithAMessageNamingWhatIsWrong(string? action, double? startInHours, double hours, double? target, string expected)
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        using var store = Store(test);

        var result = await store.AddAsync(new ManualBlockRequest(action, startInHours is { } s ? Now.AddHours(s) : null, Hours: hours, TargetSocPercent: target), CancellationToken.None);

        Assert.Null(result.Block);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(await store.ActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_EndBeforeStartOrOffTheGrid_IsRefused()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        using var store = Store(test);

        var backwards = await store.AddAsync(new ManualBlockRequest("hold", Now.AddHours(2), Now.AddHours(1)), CancellationToken.None);
        var offGrid = await store.AddAsync(new ManualBlockRequest("hold", Now.AddMinutes(7), Hours: 1), CancellationToken.None);

        Assert.Contains("must be after start", backwards.Error, StringComparison.Ordinal);
        Assert.Contains("is not on a 15-minute boundary", offGrid.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_OverlappingContradictingBlock_IsRefusedButAWaterBlockBesideABatteryBlockIsNot()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        using var store = Store(test, Options with { WaterHeating = new WaterHeatingOptions { Enabled = true } });
        await store.AddAsync(new ManualBlockRequest("charge", Now.AddHours(1), Hours: 2), CancellationToken.None);

        var clash = await store.AddAsync(new ManualBlockRequest("export", Now.AddHours(2), Hours: 2), CancellationToken.None);
        var water = await store.AddAsync(new ManualBlockRequest("water_heater", Now.AddHours(2), Hours: 2), CancellationToken.None);
        var after = await store.AddAsync(new ManualBlockRequest("export", Now.AddHours(3), Hours: 2), CancellationToken.None);

        Assert.Contains("the block overlaps charge 2026-03-29T11:00:00Z–2026-03-29T13:00:00Z (block 1)", clash.Error, StringComparison.Ordinal);
        Assert.Null(water.Error);
        Assert.Null(after.Error);
    }

    private static ManualBlockStore Store(TestDatabase test, DarkstarOptions? options = null) =>
        new(new ManualBlockRepository(test.Database), options ?? Options, test.Clock, NullLogger<ManualBlockStore>.Instance);
}
