using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>
/// A second MQTT client that watches what Darkstar publishes (and publishes commands as Home Assistant would),
/// built on the same <see cref="MqttConnection"/>. Every message it receives is kept, in order.
/// </summary>
public sealed class MqttObserver : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly MqttConnection _connection;
    private readonly ConcurrentQueue<MqttIncomingMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private MqttObserver(MqttConnection connection)
    {
        _connection = connection;
        _reader = Task.Run(ReadAsync);
    }

    public IReadOnlyList<MqttIncomingMessage> Received => [.. _received];

    public static async Task<MqttObserver> ConnectAsync(MosquittoBroker broker, string? username = null, string? password = null, params string[] topicFilters)
    {
        var name = "observer-" + Guid.NewGuid().ToString("N")[..8];
        var connection = new MqttConnection(
            new MqttConnectionSettings
            {
                Host = broker.Host,
                Port = broker.Port,
                Username = username,
                Password = password,
                ClientId = name,
                AvailabilityTopic = $"test/{name}/status",
                ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            },
            TimeProvider.System,
            NullLogger<MqttConnection>.Instance);
        foreach (var filter in topicFilters)
        {
            connection.Subscribe(filter);
        }

        var observer = new MqttObserver(connection);
        await connection.StartAsync(CancellationToken.None);
        using var limit = new CancellationTokenSource(Wait);
        await connection.WaitUntilConnectedAsync(limit.Token);
        await connection.FlushAsync(limit.Token);
        return observer;
    }

    public async Task PublishAsync(string topic, string payload, bool retain = false)
    {
        _connection.Enqueue(topic, payload, retain);
        using var limit = new CancellationTokenSource(Wait);
        await _connection.FlushAsync(limit.Token);
    }

    /// <summary>The first message (from position <paramref name="after"/> on) that matches; fails the test after a bounded wait.</summary>
    public async Task<MqttIncomingMessage> WaitForAsync(Func<MqttIncomingMessage, bool> match, string what, int after = 0, TimeSpan? wait = null)
    {
        using var limit = new CancellationTokenSource(wait ?? Wait);
        while (true)
        {
            var found = Received.Skip(after).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await _arrived.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join("\n  ", Received.Skip(after).Select(m => $"{m.Topic} = {Shorten(m.PayloadText)}{(m.Retained ? " (retained)" : "")}"));
                throw new TimeoutException($"No {what} within {(wait ?? Wait).TotalSeconds} s. Seen:\n  {seen}");
            }
        }
    }

    public Task<MqttIncomingMessage> WaitForAsync(string topic, string payload, int after = 0) =>
        WaitForAsync(m => m.Topic == topic && m.PayloadText == payload, $"'{payload}' on {topic}", after);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _connection.DisposeAsync();
        try
        {
            await _reader;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _arrived.Dispose();
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";

    private async Task ReadAsync()
    {
        await foreach (var message in _connection.Messages.ReadAllAsync(_stop.Token))
        {
            _received.Enqueue(message);
            _arrived.Release();
        }
    }
}
