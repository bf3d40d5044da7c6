using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Mqtt.Discovery;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>
/// A Darkstar MQTT service connected to a test broker, with a fake clock for its announce delays, the controls' store
/// it writes to (loaded from <c>user_settings</c> or memory) and the triggers its buttons pull.
/// </summary>
public sealed class RunningService : IAsyncDisposable
{
    public const string SoftwareVersion = "0.0.0-test";

    public static readonly DarkstarTopics Topics = new("homeassistant", "darkstar");

    private RunningService(MqttConnection connection, DarkstarMqttService service, ControlStore controls, ServiceTriggers triggers, FakeTimeProvider clock)
    {
        Connection = connection;
        Service = service;
        Controls = controls;
        Triggers = triggers;
        Clock = clock;
    }

    public MqttConnection Connection { get; }

    public DarkstarMqttService Service { get; }

    public ControlStore Controls { get; }

    public ServiceTriggers Triggers { get; }

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
        MqttConnectionSettings settings, IUserSettingsStore? store = null, bool waitForConnection = true, Storage.InstallationIdentity? installation = null,
        Storage.ManualBlockStore? blocks = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var connection = new MqttConnection(settings, TimeProvider.System, NullLogger<MqttConnection>.Instance);
        var controls = new ControlStore(
            DarkstarControlValues.FromOptions(new DarkstarOptions()), store ?? new MemorySettingsStore(), NullLogger<ControlStore>.Instance);
        await controls.LoadAsync(CancellationToken.None);
        var triggers = new ServiceTriggers();
        var service = new DarkstarMqttService(
            connection,
            new DarkstarMqttSettings
            {
                Topics = Topics,
                Currency = "EUR",
                SoftwareVersion = SoftwareVersion,
                // One flexible load, so that the golden discovery file holds its sensor.
                FlexibleLoads = ["dishwasher"],
            },
            controls,
            triggers,
            clock,
            NullLogger<DarkstarMqttService>.Instance,
            installation,
            blocks);
        await service.StartAsync(CancellationToken.None);
        using var limit = new CancellationTokenSource(MqttObserver.Wait);
        await service.WaitUntilStartedAsync(limit.Token);
        if (waitForConnection)
        {
            await connection.WaitUntilConnectedAsync(limit.Token);
            await connection.FlushAsync(limit.Token);
        }

        return new RunningService(connection, service, controls, triggers, clock);
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
        Controls.Dispose();
        await Connection.DisposeAsync();
    }
}
