using System.Collections.Concurrent;
using Darkstar.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.ServiceTests;

/// <summary>Home Assistant's side of the broker: publishes commands, keeps every state message it receives.</summary>
internal sealed class MqttPeer : IAsyncDisposable
{
    private readonly MqttConnection _connection;
    private readonly ConcurrentQueue<MqttIncomingMessage> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private MqttPeer(MqttConnection connection)
    {
        _connection = connection;
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in connection.Messages.ReadAllAsync(_stop.Token))
                {
                    _received.Enqueue(message);
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
    }

    public IReadOnlyList<MqttIncomingMessage> Received => [.. _received];

    public static async Task<MqttPeer> ConnectAsync(int port, string topicFilter, CancellationToken cancellationToken)
    {
        var connection = new MqttConnection(
            new MqttConnectionSettings
            {
                Host = "127.0.0.1",
                Port = port,
                ClientId = "home-assistant-test",
                AvailabilityTopic = "test/home-assistant/status",
                ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            },
            TimeProvider.System,
            NullLogger<MqttConnection>.Instance);
        connection.Subscribe(topicFilter);
        var peer = new MqttPeer(connection);
        await connection.StartAsync(cancellationToken);
        await connection.WaitUntilConnectedAsync(cancellationToken);
        return peer;
    }

    public async Task PublishAsync(string topic, string payload, CancellationToken cancellationToken)
    {
        _connection.Enqueue(topic, payload, retain: false);
        await _connection.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _connection.DisposeAsync();
        await _reader;
        _stop.Dispose();
    }
}
