using System.Threading.Channels;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Testing;

namespace Darkstar.IntegrationTests;

/// <summary>A dropped connection while the home keeps changing: the client comes back and misses nothing.</summary>
public sealed class ReconnectIntegrationTests
{
    [Fact]
    public async Task DropWebSockets_HomeChangesWhileAway_SubscriptionsComeBackAndNoChangeIsMissed()
    {
        await using var home = await IntegrationHome.StartAsync();
        // The client's clock is fake: it reconnects only when the test says so, so the home can change while it is away.
        var clientClock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 12, 11, 0, 0, TimeSpan.Zero));
        var longWait = TimeSpan.FromDays(1);
        var settings = home.Settings() with
        {
            CommandTimeout = longWait,
            AuthTimeout = longWait,
            PingInterval = longWait,
            PongTimeout = longWait,
            ReconnectMinDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        };
        var client = await home.ConnectedSocketAsync(clientClock, settings);
        Assert.Equal(ConnectionStatus.Connected, (await IntegrationHome.ReadAsync(client.ConnectionChanges)).Status);
        await using var stateChanges = await client.SubscribeStateChangesAsync(null, CancellationToken.None);
        await using var entities = await client.SubscribeEntitiesAsync(null, CancellationToken.None);
        var initial = await WebSocketIntegrationTests.ReadCountAsync(entities.Reader, home.Home.States.All().Count);
        var sim = new List<(string EntityId, string State)>();
        using var listening = home.Home.States.Listen(change =>
        {
            lock (sim)
            {
                sim.Add((change.EntityId, change.NewState.State));
            }
        });
        var seenChanges = new List<StateChangedEvent>();
        var seenEntities = new List<StateChangedEvent>();

        // Connected: every change arrives.
        await home.AdvanceAsync(TimeSpan.FromMinutes(5));
        var phaseA = Snapshot(sim);
        seenChanges.AddRange(await WebSocketIntegrationTests.ReadCountAsync(stateChanges.Reader, phaseA.Count));
        seenEntities.AddRange(await WebSocketIntegrationTests.ReadCountAsync(entities.Reader, phaseA.Count));

        // Dropped, and the first reconnect refused (500 on the upgrade), so the client waits for its backoff.
        home.Home.Faults.FailNextResponses(1);
        home.Home.Faults.DropWebSockets();
        var dropped = await IntegrationHome.ReadAsync(client.ConnectionChanges);
        var refused = await IntegrationHome.ReadAsync(client.ConnectionChanges);
        Assert.Equal(ConnectionStatus.Disconnected, dropped.Status);
        Assert.Contains(dropped.Reason, new DisconnectReason?[] { DisconnectReason.ClosedByServer, DisconnectReason.NetworkError });
        Assert.Equal(ConnectionStatus.Disconnected, refused.Status);
        Assert.Equal(DisconnectReason.NetworkError, refused.Reason);

        // Away: the home goes on changing.
        await home.AdvanceAsync(TimeSpan.FromMinutes(10));
        var phaseB = Snapshot(sim).Skip(phaseA.Count).ToList();
        Assert.False(client.IsConnected);

        // Back: the backoff elapses on the client's clock and the subscriptions are restored before Connected is reported.
        var reconnecting = IntegrationHome.ReadAsync(client.ConnectionChanges);
        await clientClock.AdvanceUntilDoneAsync(reconnecting, TimeSpan.FromSeconds(1), "the client reconnecting");
        var reconnected = await reconnecting;
        Assert.Equal(ConnectionStatus.Connected, reconnected.Status);
        await home.AdvanceAsync(TimeSpan.FromMinutes(10));
        var phaseD = Snapshot(sim).Skip(phaseA.Count + phaseB.Count).ToList();

        // Per entity: every change before the drop, the latest state from while away, every change after.
        var touchedWhileAway = phaseB.Select(c => c.EntityId).ToHashSet(StringComparer.Ordinal);
        var expectedAfterDrop = phaseD.Count + touchedWhileAway.Count;
        seenChanges.AddRange(await WebSocketIntegrationTests.ReadCountAsync(stateChanges.Reader, expectedAfterDrop));
        seenEntities.AddRange(await WebSocketIntegrationTests.ReadCountAsync(entities.Reader, expectedAfterDrop));

        Assert.True(phaseB.Count > 20 && touchedWhileAway.Contains(Simulation.Home.EntityIds.LoadEnergy), "the home should change while the client is away");
        var allIds = home.Home.States.All().Select(s => s.EntityId).ToList();
        foreach (var entityId in allIds)
        {
            var expected = Values(phaseA, entityId);
            if (touchedWhileAway.Contains(entityId))
            {
                expected.Add(Values(phaseB, entityId)[^1]);
            }

            expected.AddRange(Values(phaseD, entityId));
            Assert.Equal(expected, seenChanges.Where(c => c.EntityId == entityId).Select(c => c.NewState!.State));
            Assert.Equal(expected, seenEntities.Where(c => c.EntityId == entityId).Select(c => c.NewState!.State));
        }

        // Exactly one synthetic change per entity that changed while away, on both subscriptions.
        Assert.Equal(touchedWhileAway.Order(StringComparer.Ordinal), seenChanges.Where(c => c.IsSynthetic).Select(c => c.EntityId).Order(StringComparer.Ordinal));
        Assert.Equal(touchedWhileAway.Order(StringComparer.Ordinal), seenEntities.Where(c => c.IsSynthetic).Select(c => c.EntityId).Order(StringComparer.Ordinal));
        Assert.False(stateChanges.Reader.TryRead(out _));
        Assert.False(entities.Reader.TryRead(out _));

        // And the final states agree with the home's: per subscription, and as read again.
        var finalStates = home.Home.States.All();
        var lastSeen = initial.Concat(seenEntities).GroupBy(c => c.EntityId).ToDictionary(g => g.Key, g => g.Last().NewState!);
        Assert.Equal(finalStates.Select(s => (s.EntityId, s.State, s.LastUpdated)), allIds.Select(id => (id, lastSeen[id].State, lastSeen[id].LastUpdated)));
        var reread = await client.GetStatesAsync(CancellationToken.None);
        Assert.Equal(finalStates.Select(s => (s.EntityId, s.State)), reread.Select(s => (s.EntityId, s.State)));
        var load = Values(phaseA.Concat(phaseB).Concat(phaseD).ToList(), Simulation.Home.EntityIds.LoadEnergy);
        Assert.Equal(load[^1], seenChanges.Last(c => c.EntityId == Simulation.Home.EntityIds.LoadEnergy).NewState!.State);
    }

    private static List<(string EntityId, string State)> Snapshot(List<(string EntityId, string State)> sim)
    {
        lock (sim)
        {
            return [.. sim];
        }
    }

    private static List<string> Values(List<(string EntityId, string State)> changes, string entityId) =>
        [.. changes.Where(c => c.EntityId == entityId).Select(c => c.State)];
}
