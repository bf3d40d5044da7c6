using Darkstar.Core.Options;
using Darkstar.Mqtt.Controls;
using Darkstar.Mqtt.Discovery;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>A Darkstar MQTT service connected to a test broker, with a fake clock for its announce delays.</summary>
public sealed class RunningService : IAsyncDisposable
{
    public const string SoftwareVersion = "0.0.0-test";

    public static readonly DarkstarTopics Topics = new("homeassistant", "darkstar");

    private RunningService(MqttConnection connection, DarkstarMqttService service, RecordingCommandHandler handler, FakeTimeProvider clock)
    {
        Connection = connection;
        Service = service;
        Handler = handler;
        Clock = clock;
    }

    public MqttConnection Connection { get; }

    public DarkstarMqttService Service { get; }

    public RecordingCommandHandler Handler { get; }

    public FakeTimeProvider Clock { get; }

    public DarkstarPublisher Publisher => Service.Publisher;

    public static MqttConnectionSettings SettingsFor(string host, int port, string? username = null, string? password = null) => new()
    {
        Host = host,
        Port = port,
        Username = username,
        Password = password,
        AvailabilityTopic = Topics.Availability,
        KeepAlive = TimeSpan.FromSeconds(5),
        ReconnectMinDelay = TimeSpan.FromSeconds(1),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    };

    public static async Task<RunningService> StartAsync(
        MqttConnectionSettings settings, IUserSettingsStore? store = null, bool waitForConnection = true)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var connection = new MqttConnection(settings, TimeProvider.System, NullLogger<MqttConnection>.Instance);
        var handler = new RecordingCommandHandler();
        var service = new DarkstarMqttService(
            connection,
            new DarkstarMqttSettings
            {
                Topics = Topics,
                Currency = "EUR",
                SoftwareVersion = SoftwareVersion,
                Defaults = DarkstarControlValues.FromOptions(new DarkstarOptions()),
            },
            handler,
            store ?? new MemorySettingsStore(),
            clock,
            NullLogger<DarkstarMqttService>.Instance);
        await service.StartAsync(CancellationToken.None);
        using var limit = new CancellationTokenSource(MqttObserver.Wait);
        await service.WaitUntilStartedAsync(limit.Token);
        if (waitForConnection)
        {
            await connection.WaitUntilConnectedAsync(limit.Token);
            await connection.FlushAsync(limit.Token);
        }

        return new RunningService(connection, service, handler, clock);
    }

    public async Task FlushAsync()
    {
        using var limit = new CancellationTokenSource(MqttObserver.Wait);
        await Connection.FlushAsync(limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        await Connection.DisposeAsync();
    }
}
