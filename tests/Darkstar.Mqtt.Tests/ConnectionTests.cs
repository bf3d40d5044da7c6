using Darkstar.Mqtt.Tests.Support;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Mqtt.Tests;

/// <summary>The connection itself against a real mosquitto: its retry loop on the injected clock, and TLS.</summary>
public sealed class ConnectionTests : IDisposable
{
    private static readonly DarkstarTopicsView Topics = new();
    private static readonly TimeSpan JustBefore = TimeSpan.FromMilliseconds(1);

    // From 1 s, doubling per failed attempt, up to the 8 s the test sets as the maximum.
    private static readonly TimeSpan[] BackOff = [.. new[] { 1, 2, 4, 8, 8 }.Select(s => TimeSpan.FromSeconds(s))];

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Start_BrokerDown_OneLoopRetriesWithDoublingPausesThenConnectsOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await broker.KillAsync();
        // Every attempt passes the relay, which ends it at once while the broker is down.
        await using var cutter = new TcpCutter(broker.Port);
        var clock = new FakeTimeProvider();
        await using var connection = new MqttConnection(
            RunningService.SettingsFor("127.0.0.1", cutter.Port) with { ReconnectMaxDelay = TimeSpan.FromSeconds(8) },
            clock,
            NullLogger<MqttConnection>.Instance);

        await connection.StartAsync(CancellationToken.None);
        var attempts = 1;
        await WaitForPauseAfterAsync(attempts, cutter, clock);
        foreach (var pause in BackOff)
        {
            // A failed connect also raises MQTTnet's disconnected event: a loop started from it would add timers and attempts.
            clock.Advance(pause - JustBefore);
            Assert.Equal(1, clock.PendingTimers);
            Assert.Equal(attempts, cutter.Accepted);
            clock.Advance(JustBefore);
            attempts++;
            await WaitForPauseAfterAsync(attempts, cutter, clock);
        }

        await broker.RestartAsync();
        clock.Advance(TimeSpan.FromSeconds(8));
        using var limit = new CancellationTokenSource(MqttObserver.Wait);
        await connection.WaitUntilConnectedAsync(limit.Token);

        Assert.Equal(attempts + 1, cutter.Accepted);
        Assert.Equal(1, connection.ConnectCount);
        Assert.Null(connection.LastRefusal);
    }

    [Fact]
    public async Task Enqueue_TopicMqttForbids_IsDroppedAndTheQueueCarriesOn()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port));
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: "darkstar/#");

        darkstar.Connection.Enqueue("darkstar/+/state", "wildcards are for subscriptions", retain: false);
        darkstar.Connection.Enqueue(Topics.State("status"), "after the bad one", retain: false);
        await darkstar.FlushAsync();

        await observer.WaitForAsync(Topics.State("status"), "after the bad one");
        Assert.True(darkstar.Connection.IsConnected);
        Assert.Equal(1, darkstar.Connection.ConnectCount);
    }

    [Fact]
    public async Task Tls_BrokerSignedByTheCaFile_AnnouncesOverTls()
    {
        var authority = TestCertificateAuthority.Create(_folder, "darkstar-test");
        await using var broker = await MosquittoBroker.StartAsync(tls: authority);
        await using var darkstar = await RunningService.StartAsync(
            RunningService.SettingsFor(broker.Host, broker.TlsPort) with { UseTls = true, CaFile = authority.CaFile });

        // The observer listens on the broker's plain port: what it sees came in over TLS.
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: [Topics.Availability, Topics.DeviceConfig]);
        await observer.WaitForAsync(Topics.Availability, "online");
        await observer.WaitForAsync(m => m.Topic == Topics.DeviceConfig && m.Retained, "the retained device config");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tls_BrokerSignedByAnUntrustedCa_NeverConnects(bool withOtherCaFile)
    {
        var brokers = TestCertificateAuthority.Create(_folder, "brokers");
        var other = TestCertificateAuthority.Create(_folder, "other");
        await using var broker = await MosquittoBroker.StartAsync(tls: brokers);
        var clock = new FakeTimeProvider();
        await using var connection = new MqttConnection(
            RunningService.SettingsFor(broker.Host, broker.TlsPort) with { UseTls = true, CaFile = withOtherCaFile ? other.CaFile : null },
            clock,
            NullLogger<MqttConnection>.Instance);

        await connection.StartAsync(CancellationToken.None);
        // The loop pauses on the clock once its first attempt has failed.
        await Eventually.HoldsAsync(() => clock.PendingTimers == 1 || connection.ConnectCount > 0, "the first attempt ending");

        Assert.False(connection.IsConnected);
        Assert.Equal(0, connection.ConnectCount);
        Assert.Null(connection.LastRefusal);
    }

    [Fact]
    public void ClientLibrary_NamesMqttnetAndItsReleaseVersion()
    {
        Assert.Matches(@"^MQTTnet \d+\.\d+\.\d+(\.\d+)?$", MqttConnection.ClientLibrary);
    }

    private static Task WaitForPauseAfterAsync(int attempts, TcpCutter cutter, FakeTimeProvider clock) =>
        Eventually.HoldsAsync(
            () => cutter.Accepted == attempts && clock.PendingTimers == 1,
            $"attempt {attempts} to fail and the loop to pause");
}
