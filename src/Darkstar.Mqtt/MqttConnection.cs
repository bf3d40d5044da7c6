using System.Buffers;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Darkstar.Mqtt;

/// <summary>
/// Darkstar's one connection to the broker, on MQTTnet. It keeps itself connected (reconnecting with a pause that
/// doubles per failed attempt), announces <c>online</c> on the availability topic on every connect (the broker's last
/// will says <c>offline</c> when Darkstar vanishes), restores its subscriptions on every connect, and owns a publish
/// queue that outlives broker outages: what is queued while the broker is away goes out once it is back, the latest
/// value per topic winning. One loop task owns all connection state and is the only caller of connect; MQTTnet's
/// events only feed it (its <c>DisconnectedAsync</c> also fires after every failed connect, so it must not reconnect).
/// </summary>
public sealed class MqttConnection : IAsyncDisposable
{
    public const string OnlinePayload = "online";
    public const string OfflinePayload = "offline";

    private static readonly TimeSpan ShutdownFlushLimit = TimeSpan.FromSeconds(3);

    // MQTTnet's own limit on opening the socket, the TLS handshake and each acknowledgement (its default is 100 s).
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(10);

    private MqttConnectionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<MqttConnection> _logger;
    private readonly Channel<LoopCommand> _commands = Channel.CreateUnbounded<LoopCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<MqttIncomingMessage> _incoming = Channel.CreateUnbounded<MqttIncomingMessage>();

    // Loop-owned state: touched only by RunAsync and what it calls.
    private readonly OrderedDictionary<string, MqttOutgoingMessage> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _flushWaiters = [];

    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _connectedSignal = NewSignal();
    private IMqttClient? _client;
    private Task? _loop;
    private volatile bool _connected;
    private volatile string? _lastRefusal;
    private long _connectCount;
    private bool _disposed;

    public MqttConnection(MqttConnectionSettings settings, TimeProvider clock, ILogger<MqttConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.ReconnectMinDelay, TimeSpan.Zero);
        _settings = settings;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Raised on the connection's loop after every successful connect, once subscriptions are restored and <c>online</c> is queued first.</summary>
    public event EventHandler? Connected;

    /// <summary>The MQTT client library and its version (e.g. "MQTTnet 5.2.0.1603"), read from the assembly, for bug reports.</summary>
    public static string ClientLibrary { get; } = DescribeClientLibrary();

    public MqttConnectionSettings Settings => _settings;

    /// <summary>Sets the client id the connection announces; only before <see cref="StartAsync"/>.</summary>
    public void UseClientId(string clientId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        if (_loop is not null)
        {
            throw new InvalidOperationException("The client id is set before the connection starts.");
        }

        _settings = _settings with { ClientId = clientId };
    }

    public bool IsConnected => _connected;

    /// <summary>How many times the connection has been established since start.</summary>
    public long ConnectCount => Interlocked.Read(ref _connectCount);

    /// <summary>When the broker last refused the connection, what it said (e.g. not authorised); null otherwise.</summary>
    public string? LastRefusal => _lastRefusal;

    /// <summary>Every message on the connection's subscriptions, in arrival order.</summary>
    public ChannelReader<MqttIncomingMessage> Messages => _incoming.Reader;

    /// <summary>Starts connecting in the background and returns; see <see cref="WaitUntilConnectedAsync"/>.</summary>
    /// <exception cref="MqttConfigurationException">The CA file cannot be read.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_client is not null)
        {
            throw new InvalidOperationException("The MQTT connection is already started.");
        }

        var options = BuildOptions();
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
        client.DisconnectedAsync += OnDisconnectedAsync;
        _client = client;
        _logger.LogInformation("Connecting to the {Settings}", _settings);
        _loop = Task.Run(() => RunAsync(client, options, _stopping.Token), CancellationToken.None);
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
        _commands.Writer.TryWrite(new LoopCommand.Publish(message));
    }

    public void Enqueue(string topic, string payload, bool retain) => Enqueue(MqttOutgoingMessage.Text(topic, payload, retain));

    /// <summary>Subscribes now when connected, and again on every later connect.</summary>
    public void Subscribe(string topicFilter)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _commands.Writer.TryWrite(new LoopCommand.Subscribe(topicFilter));
    }

    /// <summary>Completes once everything queued before the call has been acknowledged by the broker.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = NewSignal();
        _commands.Writer.TryWrite(new LoopCommand.Flush(done));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Says <c>offline</c> (retained) when connected, stops the loop and disconnects cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (_client is not null && _connected)
        {
            // A clean disconnect discards the last will, so the availability topic is set to offline by hand.
            _commands.Writer.TryWrite(new LoopCommand.Publish(MqttOutgoingMessage.Text(_settings.AvailabilityTopic, OfflinePayload, retain: true)));
            var done = NewSignal();
            _commands.Writer.TryWrite(new LoopCommand.Flush(done));
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
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // The loop ends by cancellation: that is its normal stop.
            }
        }

        if (_client is not null)
        {
            await DisconnectAsync(_client);
            _client.Dispose();
        }

        _stopping.Dispose();
        _incoming.Writer.TryComplete();
        _logger.LogInformation("Disconnected from the MQTT broker at {Host}:{Port}", _settings.Host, _settings.Port);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string DescribeClientLibrary()
    {
        var assembly = typeof(MqttClientFactory).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "(unknown version)";
        // The informational version carries the source commit after a '+'.
        var commit = version.IndexOf('+', StringComparison.Ordinal);
        return $"{assembly.GetName().Name} {(commit < 0 ? version : version[..commit])}";
    }

    /// <summary>The broker's CONNACK refusal in words, as the MQTT 3.1.1 specification names its codes.</summary>
    private static string RefusalText(MqttClientConnectResult result) => result.ResultCode switch
    {
        MqttClientConnectResultCode.UnsupportedProtocolVersion => "Connection Refused: unacceptable protocol version.",
        MqttClientConnectResultCode.ClientIdentifierNotValid => "Connection Refused: identifier rejected.",
        MqttClientConnectResultCode.ServerUnavailable => "Connection Refused: broker unavailable.",
        MqttClientConnectResultCode.BadUserNameOrPassword => "Connection Refused: bad user name or password.",
        MqttClientConnectResultCode.NotAuthorized => "Connection Refused: not authorised.",
        var code => $"Connection Refused: {(string.IsNullOrEmpty(result.ReasonString) ? code.ToString() : result.ReasonString)}.",
    };

    /// <summary>True when the broker's certificate names the host and chains up to one of <paramref name="authorities"/>.</summary>
    private static bool IsSignedBy(MqttClientCertificateValidationEventArgs presented, X509Certificate2Collection authorities)
    {
        // Only the chain is judged against the CA file instead of the system's CAs; a wrong name still fails.
        if (presented.Certificate is null || (presented.SslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented.Chain is not null)
        {
            foreach (var element in presented.Chain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.Certificate.GetRawCertData());
        return chain.Build(certificate);
    }

    private static X509Certificate2Collection LoadAuthorities(string caFile)
    {
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            if (authorities.Count == 0)
            {
                authorities.Add(X509CertificateLoader.LoadCertificateFromFile(caFile));
            }

            return authorities;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new MqttConfigurationException($"The MQTT CA file {caFile} cannot be read as a certificate: {e.Message}", e);
        }
    }

    private MqttClientOptions BuildOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_settings.Host, _settings.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(_settings.ClientId)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(_settings.KeepAlive)
            .WithTimeout(NetworkTimeout)
            .WithWillTopic(_settings.AvailabilityTopic)
            .WithWillPayload(OfflinePayload)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(true);
        if (_settings.Username is not null)
        {
            builder.WithCredentials(_settings.Username, _settings.Password);
        }

        if (_settings.UseTls)
        {
            var authorities = _settings.CaFile is null ? null : LoadAuthorities(_settings.CaFile);
            builder.WithTlsOptions(tls =>
            {
                // No revocation lookups: they would reach out to the CA's servers, and the broker is local.
                tls.UseTls().WithTargetHost(_settings.Host).WithRevocationMode(X509RevocationMode.NoCheck);
                if (authorities is not null)
                {
                    tls.WithCertificateValidationHandler(presented => IsSignedBy(presented, authorities));
                }
            });
        }

        return builder.Build();
    }

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        // The payload's buffer belongs to MQTTnet once the handler returns: copy it now.
        var message = received.ApplicationMessage;
        _incoming.Writer.TryWrite(new MqttIncomingMessage(message.Topic, message.Payload.ToArray(), message.Retain));
        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs disconnected)
    {
        // Only wakes the loop: a failed connect raises this too, and the loop already knows about those.
        if (disconnected.ClientWasConnected)
        {
            _commands.Writer.TryWrite(LoopCommand.ConnectionLost.Instance);
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync(IMqttClient client, MqttClientOptions options, CancellationToken cancellationToken)
    {
        var maxPause = _settings.ReconnectMaxDelay > _settings.ReconnectMinDelay ? _settings.ReconnectMaxDelay : _settings.ReconnectMinDelay;
        var pause = _settings.ReconnectMinDelay;
        while (true)
        {
            if (await TryConnectAsync(client, options, cancellationToken))
            {
                await OnConnectedAsync(client, cancellationToken);
                await RunSessionAsync(client, cancellationToken);
                OnDisconnected();
                pause = _settings.ReconnectMinDelay;
            }

            // Even after a lost connection: a broker that drops Darkstar at once (another client with its id) is not hammered.
            await PauseAsync(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, maxPause.Ticks));
        }
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, MqttClientOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.ConnectAsync(options, cancellationToken);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                return true;
            }

            _lastRefusal = RefusalText(result);
            _logger.LogWarning("The MQTT broker at {Host}:{Port} refused the connection: {Reason}; retrying",
                _settings.Host, _settings.Port, _lastRefusal);
            return false;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogInformation("The MQTT broker at {Host}:{Port} is not reachable ({Reason})",
                _settings.Host, _settings.Port, e.InnerException?.Message ?? e.Message);
            return false;
        }
    }

    private async Task OnConnectedAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        _connected = true;
        _lastRefusal = null;
        var count = Interlocked.Increment(ref _connectCount);
        _logger.LogInformation("Connected to the MQTT broker at {Host}:{Port} (connection {Count})", _settings.Host, _settings.Port, count);
        await SubscribeAsync(client, [.. _subscriptions], cancellationToken);

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

    /// <summary>Handles commands and sends the queue until the connection is gone.</summary>
    private async Task RunSessionAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var commands = _commands.Reader;
        while (client.IsConnected)
        {
            while (commands.TryRead(out var command))
            {
                if (command is LoopCommand.Subscribe subscribe)
                {
                    if (_subscriptions.Add(subscribe.TopicFilter))
                    {
                        await SubscribeAsync(client, [subscribe.TopicFilter], cancellationToken);
                    }
                }
                else
                {
                    Absorb(command);
                }
            }

            await SendPendingAsync(client, cancellationToken);
            if (client.IsConnected)
            {
                CompleteFlushes();
                await commands.WaitToReadAsync(cancellationToken);
            }
        }
    }

    private void OnDisconnected()
    {
        _connected = false;
        if (Volatile.Read(ref _connectedSignal).Task.IsCompleted)
        {
            Volatile.Write(ref _connectedSignal, NewSignal());
        }

        _logger.LogWarning("Lost the connection to the MQTT broker at {Host}:{Port}; reconnecting", _settings.Host, _settings.Port);
    }

    /// <summary>Waits before the next connect attempt, on the injected clock, taking in commands meanwhile.</summary>
    private async Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        using var over = new CancellationTokenSource(pause, _clock);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, over.Token);
        var commands = _commands.Reader;
        try
        {
            while (true)
            {
                while (commands.TryRead(out var command))
                {
                    Absorb(command);
                }

                await commands.WaitToReadAsync(waiting.Token);
            }
        }
        catch (OperationCanceledException) when (over.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The pause is over.
        }
    }

    /// <summary>Takes a command into the loop's state without touching the network.</summary>
    private void Absorb(LoopCommand command)
    {
        switch (command)
        {
            case LoopCommand.Publish publish:
                // Latest value wins: a newer message for a topic replaces the queued one and goes to the back.
                _pending.Remove(publish.Message.Topic);
                _pending.Add(publish.Message.Topic, publish.Message);
                break;
            case LoopCommand.Subscribe subscribe:
                _subscriptions.Add(subscribe.TopicFilter);
                break;
            case LoopCommand.Flush flush:
                _flushWaiters.Add(flush.Done);
                break;
            case LoopCommand.ConnectionLost:
                // The session notices through the client itself; outside one this is the echo of an older connection.
                break;
        }
    }

    private async Task SubscribeAsync(IMqttClient client, string[] topicFilters, CancellationToken cancellationToken)
    {
        if (topicFilters.Length == 0)
        {
            return;
        }

        var subscription = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in topicFilters)
        {
            subscription.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        try
        {
            await client.SubscribeAsync(subscription.Build(), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Lost on the way: every connect subscribes again. Still connected: the filter itself is wrong.
            if (client.IsConnected)
            {
                _logger.LogError(e, "Subscribing to {Filters} failed", string.Join(", ", topicFilters));
            }
        }
    }

    private async Task SendPendingAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        while (_pending.Count > 0 && client.IsConnected)
        {
            var (topic, message) = _pending.GetAt(0);
            _pending.RemoveAt(0);
            var outgoing = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(message.Payload)
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)message.Qos)
                .WithRetainFlag(message.Retain)
                .Build();
            try
            {
                var result = await client.PublishAsync(outgoing, cancellationToken);
                if (!result.IsSuccess)
                {
                    _logger.LogWarning("The MQTT broker did not accept the message on {Topic}: {Reason}", topic, result.ReasonCode);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (!client.IsConnected)
                {
                    // Never acknowledged: it goes out again after the reconnect, unless a newer value replaced it.
                    _pending.TryAdd(topic, message);
                    return;
                }

                // One bad message (a topic MQTT forbids) must not stop the queue for everything else.
                _logger.LogError(e, "Publishing on {Topic} failed; the message is dropped", topic);
            }
        }
    }

    private void CompleteFlushes()
    {
        if (_flushWaiters.Count == 0 || _pending.Count > 0)
        {
            return;
        }

        foreach (var waiter in _flushWaiters)
        {
            waiter.TrySetResult();
        }

        _flushWaiters.Clear();
    }

    private async Task DisconnectAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            using var limit = new CancellationTokenSource(ShutdownFlushLimit, _clock);
            await client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, limit.Token);
        }
        catch (Exception e)
        {
            // Shutting down either way; the broker then publishes the will, which says offline too.
            _logger.LogWarning("The clean disconnect from the MQTT broker failed: {Reason}", e.Message);
        }
    }

    private abstract record LoopCommand
    {
        public sealed record Publish(MqttOutgoingMessage Message) : LoopCommand;

        public sealed record Subscribe(string TopicFilter) : LoopCommand;

        public sealed record Flush(TaskCompletionSource Done) : LoopCommand;

        /// <summary>MQTTnet says an established connection ended.</summary>
        public sealed record ConnectionLost : LoopCommand
        {
            public static readonly ConnectionLost Instance = new();
        }
    }
}
