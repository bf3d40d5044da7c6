using System.Threading.Channels;
using Darkstar.Mqtt.Native;
using Microsoft.Extensions.Logging;

namespace Darkstar.Mqtt;

/// <summary>
/// Darkstar's one connection to the broker. It keeps itself connected (libmosquitto reconnects with a growing
/// pause), announces <c>online</c> on the availability topic on every connect (the broker's last will says
/// <c>offline</c> when Darkstar vanishes), restores its subscriptions on every connect, and owns a publish queue
/// that outlives broker outages: what is queued while the broker is away goes out once it is back, the latest
/// value per topic winning. All state lives on one pump task; libmosquitto's thread only feeds it events.
/// </summary>
public sealed class MqttConnection : IAsyncDisposable
{
    public const string OnlinePayload = "online";
    public const string OfflinePayload = "offline";

    private static readonly TimeSpan ShutdownFlushLimit = TimeSpan.FromSeconds(3);

    private readonly MqttConnectionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<MqttConnection> _logger;
    private readonly Channel<PumpCommand> _commands = Channel.CreateUnbounded<PumpCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<MqttIncomingMessage> _incoming = Channel.CreateUnbounded<MqttIncomingMessage>(
        new UnboundedChannelOptions { SingleWriter = true });

    // Pump-owned state: touched only by RunPumpAsync.
    private readonly OrderedDictionary<string, MqttOutgoingMessage> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<int, MqttOutgoingMessage> _inFlight = [];
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _flushWaiters = [];

    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _connectedSignal = NewSignal();
    private MosquittoClient? _client;
    private Task? _pump;
    private volatile bool _connected;
    private volatile string? _lastRefusal;
    private long _connectCount;
    private bool _loopStarted;
    private bool _disposed;

    public MqttConnection(MqttConnectionSettings settings, TimeProvider clock, ILogger<MqttConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _settings = settings;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Raised on the pump after every successful connect, once subscriptions and <c>online</c> are sent.</summary>
    public event EventHandler? Connected;

    public MqttConnectionSettings Settings => _settings;

    public bool IsConnected => _connected;

    /// <summary>How many times the connection has been established since start.</summary>
    public long ConnectCount => Interlocked.Read(ref _connectCount);

    /// <summary>When the broker last refused the connection, what it said (e.g. not authorised); null otherwise.</summary>
    public string? LastRefusal => _lastRefusal;

    /// <summary>Every message on the connection's subscriptions, in arrival order.</summary>
    public ChannelReader<MqttIncomingMessage> Messages => _incoming.Reader;

    /// <summary>Starts connecting in the background and returns; see <see cref="WaitUntilConnectedAsync"/>.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_client is not null)
        {
            throw new InvalidOperationException("The MQTT connection is already started.");
        }

        var client = new MosquittoClient(_settings.ClientId, _logger);
        try
        {
            client.SetCredentials(_settings.Username, _settings.Password);
            client.SetWill(_settings.AvailabilityTopic, OfflinePayload, qos: 1, retain: true);
            if (_settings.UseTls)
            {
                client.SetTls(_settings.CaFile, MqttConnectionSettings.SystemCaPath);
            }

            client.SetReconnectDelay(_settings.ReconnectMinDelay, _settings.ReconnectMaxDelay);
            _logger.LogInformation("Connecting to the {Settings}", _settings);
            if (client.TryConnect(_settings.Host, _settings.Port, _settings.KeepAlive))
            {
                client.StartLoop();
                _loopStarted = true;
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        _pump = Task.Run(() => RunPumpAsync(client, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Completes when the broker has accepted the connection (at once when it already has).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _connectedSignal).Task.WaitAsync(cancellationToken);

    /// <summary>Queues a message; it is sent now when connected, else as soon as the broker is back.</summary>
    public void Enqueue(MqttOutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _commands.Writer.TryWrite(new PumpCommand.Publish(message));
    }

    public void Enqueue(string topic, string payload, bool retain) => Enqueue(MqttOutgoingMessage.Text(topic, payload, retain));

    /// <summary>Subscribes now when connected, and again on every later connect.</summary>
    public void Subscribe(string topicFilter)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _commands.Writer.TryWrite(new PumpCommand.Subscribe(topicFilter));
    }

    /// <summary>Completes once everything queued before the call has been acknowledged by the broker.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _commands.Writer.TryWrite(new PumpCommand.Flush(done));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Says <c>offline</c> (retained) when connected, disconnects cleanly and stops the network thread.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (_client is not null && _connected)
        {
            // A clean disconnect discards the last will, so the availability topic is set to offline by hand.
            _commands.Writer.TryWrite(new PumpCommand.Publish(MqttOutgoingMessage.Text(_settings.AvailabilityTopic, OfflinePayload, retain: true)));
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _commands.Writer.TryWrite(new PumpCommand.Flush(done));
            try
            {
                await done.Task.WaitAsync(ShutdownFlushLimit, _clock);
            }
            catch (TimeoutException)
            {
                _logger.LogWarning("The MQTT broker did not acknowledge the last messages within {Seconds} s of shutdown", ShutdownFlushLimit.TotalSeconds);
            }
        }

        _disposed = true;
        await _stopping.CancelAsync();
        if (_pump is not null)
        {
            try
            {
                await _pump;
            }
            catch (OperationCanceledException)
            {
                // The pump ends by cancellation: that is its normal stop.
            }
        }

        _client?.Dispose();
        _stopping.Dispose();
        _incoming.Writer.TryComplete();
        _logger.LogInformation("Disconnected from the MQTT broker at {Host}:{Port}", _settings.Host, _settings.Port);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunPumpAsync(MosquittoClient client, CancellationToken cancellationToken)
    {
        var events = client.Events;
        var commands = _commands.Reader;
        var connectDelay = _settings.ReconnectMinDelay;
        var nextConnectAt = _clock.GetUtcNow() + connectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // libmosquitto's thread only reconnects a connection that was once made: until the first one is, retry here.
                if (!_loopStarted && _clock.GetUtcNow() >= nextConnectAt)
                {
                    if (client.TryConnect(_settings.Host, _settings.Port, _settings.KeepAlive))
                    {
                        client.StartLoop();
                        _loopStarted = true;
                    }
                    else
                    {
                        connectDelay = TimeSpan.FromTicks(Math.Min(connectDelay.Ticks * 2, _settings.ReconnectMaxDelay.Ticks));
                        nextConnectAt = _clock.GetUtcNow() + connectDelay;
                    }
                }

                while (events.TryRead(out var nativeEvent))
                {
                    Handle(client, nativeEvent);
                }

                while (commands.TryRead(out var command))
                {
                    Handle(client, command);
                }

                SendPending(client);
                CompleteFlushesWhenIdle();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One bad message (a topic libmosquitto rejects) must not stop the pump for everything else.
                _logger.LogError(e, "The MQTT publish queue hit an error; it carries on");
            }

            var eventReady = events.WaitToReadAsync(cancellationToken).AsTask();
            var commandReady = commands.WaitToReadAsync(cancellationToken).AsTask();
            if (_loopStarted)
            {
                await Task.WhenAny(eventReady, commandReady);
            }
            else
            {
                var untilAttempt = nextConnectAt - _clock.GetUtcNow();
                await Task.WhenAny(eventReady, commandReady, Task.Delay(untilAttempt > TimeSpan.Zero ? untilAttempt : TimeSpan.Zero, _clock, cancellationToken));
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void Handle(MosquittoClient client, MosquittoEvent nativeEvent)
    {
        switch (nativeEvent)
        {
            case MosquittoEvent.Connected { ReturnCode: 0 }:
                OnConnected(client);
                break;
            case MosquittoEvent.Connected refused:
                _lastRefusal = MosquittoLibrary.ConnackText(refused.ReturnCode);
                _logger.LogWarning("The MQTT broker at {Host}:{Port} refused the connection: {Reason}; retrying",
                    _settings.Host, _settings.Port, _lastRefusal);
                break;
            case MosquittoEvent.Disconnected disconnected:
                OnDisconnected(disconnected.ReturnCode);
                break;
            case MosquittoEvent.Published published:
                _inFlight.Remove(published.MessageId);
                break;
            case MosquittoEvent.MessageReceived received:
                _incoming.Writer.TryWrite(new MqttIncomingMessage(received.Topic, received.Payload, received.Retained));
                break;
        }
    }

    private void Handle(MosquittoClient client, PumpCommand command)
    {
        switch (command)
        {
            case PumpCommand.Publish publish:
                // Latest value wins: a newer message for a topic replaces the queued one and goes to the back.
                _pending.Remove(publish.Message.Topic);
                _pending.Add(publish.Message.Topic, publish.Message);
                break;
            case PumpCommand.Subscribe subscribe:
                if (_subscriptions.Add(subscribe.TopicFilter) && _connected)
                {
                    client.Subscribe(subscribe.TopicFilter, qos: 1);
                }

                break;
            case PumpCommand.Flush flush:
                _flushWaiters.Add(flush.Done);
                break;
        }
    }

    private void OnConnected(MosquittoClient client)
    {
        _connected = true;
        _lastRefusal = null;
        var count = Interlocked.Increment(ref _connectCount);
        _logger.LogInformation("Connected to the MQTT broker at {Host}:{Port} (connection {Count})", _settings.Host, _settings.Port, count);
        foreach (var filter in _subscriptions)
        {
            client.Subscribe(filter, qos: 1);
        }

        // Availability first, so Home Assistant sees the device online before its states.
        _pending.Remove(_settings.AvailabilityTopic);
        _pending.Insert(0, _settings.AvailabilityTopic, MqttOutgoingMessage.Text(_settings.AvailabilityTopic, OnlinePayload, retain: true));
        try
        {
            Connected?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A handler of the MQTT connected event failed");
        }

        // Waiters are released only after the handlers queued their messages, so a flush after the wait covers them.
        Volatile.Read(ref _connectedSignal).TrySetResult();
    }

    private void OnDisconnected(int returnCode)
    {
        var wasConnected = _connected;
        _connected = false;
        if (Volatile.Read(ref _connectedSignal).Task.IsCompleted)
        {
            Volatile.Write(ref _connectedSignal, NewSignal());
        }

        // What the broker never acknowledged goes out again after the reconnect, unless a newer value replaced it.
        foreach (var message in _inFlight.Values)
        {
            _pending.TryAdd(message.Topic, message);
        }

        _inFlight.Clear();
        if (wasConnected && returnCode != 0)
        {
            _logger.LogWarning("Lost the connection to the MQTT broker at {Host}:{Port}; reconnecting", _settings.Host, _settings.Port);
        }
    }

    private void SendPending(MosquittoClient client)
    {
        while (_connected && _pending.Count > 0)
        {
            var (topic, message) = _pending.GetAt(0);
            var messageId = client.Publish(topic, message.Payload, message.Qos, message.Retain);
            if (messageId is null)
            {
                // The connection went away under us; the disconnect event follows and the message waits for the next one.
                return;
            }

            _pending.RemoveAt(0);
            if (message.Qos > 0)
            {
                _inFlight[messageId.Value] = message;
            }
        }
    }

    private void CompleteFlushesWhenIdle()
    {
        if (_flushWaiters.Count == 0 || !_connected || _pending.Count > 0 || _inFlight.Count > 0)
        {
            return;
        }

        foreach (var waiter in _flushWaiters)
        {
            waiter.TrySetResult();
        }

        _flushWaiters.Clear();
    }

    private abstract record PumpCommand
    {
        public sealed record Publish(MqttOutgoingMessage Message) : PumpCommand;

        public sealed record Subscribe(string TopicFilter) : PumpCommand;

        public sealed record Flush(TaskCompletionSource Done) : PumpCommand;
    }
}
