using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.HomeAssistant.Protocol;
using Microsoft.Extensions.Logging;

namespace Darkstar.HomeAssistant.WebSockets;

/// <summary>Receives the events of one subscription; must return at once (it runs on the receive loop).</summary>
internal interface IEventSink
{
    void Post(JsonElement eventElement);
}

/// <summary>How a session ended.</summary>
internal sealed record SessionEnd(DisconnectReason Reason, Exception? Error);

/// <summary>
/// One authenticated WebSocket connection: the auth handshake, the receive loop that matches results to
/// commands by id and hands events to their subscriptions, and the ping loop. It never reconnects;
/// <see cref="HomeAssistantWebSocketClient"/> replaces a session that ended.
/// </summary>
internal sealed class HomeAssistantSession : IAsyncDisposable
{
    private readonly WebSocketTransport _transport;
    private readonly HomeAssistantConnectionSettings _settings;
    private readonly CommandIdSource _ids;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PendingCommands _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<long, IEventSink> _eventSinks = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<SessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _abortReason = -1;
    private volatile bool _closing;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _pingLoop = Task.CompletedTask;

    private HomeAssistantSession(WebSocketTransport transport, string? version, HomeAssistantConnectionSettings settings, CommandIdSource ids, TimeProvider time, ILogger logger)
    {
        _transport = transport;
        HomeAssistantVersion = version;
        _settings = settings;
        _ids = ids;
        _time = time;
        _logger = logger;
    }

    public string? HomeAssistantVersion { get; }

    public Task<SessionEnd> Ended => _ended.Task;

    public int PendingCount => _pending.Count;

    /// <summary>Connects and authenticates within <see cref="HomeAssistantConnectionSettings.AuthTimeout"/>.</summary>
    /// <exception cref="HomeAssistantAuthenticationException">Home Assistant answered <c>auth_invalid</c>.</exception>
    public static async Task<HomeAssistantSession> OpenAsync(
        HomeAssistantConnectionSettings settings, CommandIdSource ids, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.AuthTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        WebSocketTransport? transport = null;
        try
        {
            transport = await WebSocketTransport.ConnectAsync(settings.WebSocketUri, linked.Token);
            var version = await AuthenticateAsync(transport, settings, linked.Token);
            var session = new HomeAssistantSession(transport, version, settings, ids, time, logger);
            transport = null;
            return session;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HomeAssistantTimeoutException(
                $"Home Assistant at {settings.WebSocketUri} did not complete the WebSocket handshake within {settings.AuthTimeout.TotalSeconds:0.###} s.", ex);
        }
        catch (WebSocketException ex)
        {
            throw new HomeAssistantConnectionLostException(
                $"Could not connect to Home Assistant at {settings.WebSocketUri}: {WhyNotConnected(ex, settings.WebSocketUri)}", DisconnectReason.NetworkError, ex);
        }
        finally
        {
            transport?.Dispose();
        }
    }

    /// <summary>
    /// What stood in the way, in words a user can act on: .NET says "Unable to connect to the remote server" for an unknown
    /// host, a closed port, a web server that is not Home Assistant and a port where another service (a broker) listens alike.
    /// </summary>
    internal static string WhyNotConnected(WebSocketException error, Uri uri)
    {
        const string Check = "check home_assistant.url: Home Assistant's own address, such as http://homeassistant.local:8123";
        var where = $"{uri.Host}:{uri.Port}";
        for (Exception? cause = error; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case System.Net.Http.HttpRequestException { HttpRequestError: System.Net.Http.HttpRequestError.NameResolutionError }:
                    return $"the host {uri.Host} is not known; {Check}";
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }:
                    return $"nothing listens on {where}; {Check}";
                case System.Net.Http.HttpRequestException { HttpRequestError: System.Net.Http.HttpRequestError.InvalidResponse or System.Net.Http.HttpRequestError.ResponseEnded }:
                    return $"{where} answered, but not in HTTP (another service, such as an MQTT broker, listens there); {Check}";
                case WebSocketException { WebSocketErrorCode: WebSocketError.NotAWebSocket }:
                    return $"{where} answered as a web server, but not as Home Assistant's WebSocket API ({cause.Message}); {Check}";
            }
        }

        var innermost = error.GetBaseException();
        return $"{innermost.Message}; {Check}";
    }

    private static async Task<string?> AuthenticateAsync(WebSocketTransport transport, HomeAssistantConnectionSettings settings, CancellationToken cancellationToken)
    {
        var first = await ReceiveSingleAsync(transport, cancellationToken);
        var firstType = MessageFraming.GetType(first);
        if (firstType != "auth_required")
        {
            throw new HomeAssistantProtocolException($"Home Assistant opened with '{firstType}' where 'auth_required' was expected.");
        }

        var auth = new JsonObject { ["type"] = "auth", ["access_token"] = settings.AccessToken };
        await transport.SendAsync(MessageFraming.Serialize(auth), cancellationToken);

        var answer = await ReceiveSingleAsync(transport, cancellationToken);
        return MessageFraming.GetType(answer) switch
        {
            "auth_ok" => Json.GetString(answer, "ha_version"),
            "auth_invalid" => throw HomeAssistantAuthenticationException.For(settings.Mode, Json.GetString(answer, "message")),
            var other => throw new HomeAssistantProtocolException($"Home Assistant answered the auth message with '{other}'."),
        };
    }

    private static async Task<JsonElement> ReceiveSingleAsync(WebSocketTransport transport, CancellationToken cancellationToken)
    {
        var frame = await transport.ReceiveFrameAsync(cancellationToken)
            ?? throw new HomeAssistantConnectionLostException("Home Assistant closed the connection during the handshake.", DisconnectReason.ClosedByServer);
        var messages = MessageFraming.Split(frame);
        return messages.Count > 0 ? messages[0] : throw new HomeAssistantProtocolException("Home Assistant sent an empty frame during the handshake.");
    }

    /// <summary>Starts the receive and ping loops, and asks for coalesced frames.</summary>
    public void Start()
    {
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _pingLoop = Task.Run(PingLoopAsync);
        _ = AnnounceFeaturesAsync();
    }

    /// <summary>Sends a command and waits for its result (the <c>result</c> field).</summary>
    public async Task<JsonElement> SendCommandAsync(JsonObject command, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        (await SendCoreAsync(command, null, timeout, cancellationToken)).Result;

    /// <summary>Sends a subscribe command whose events go to <paramref name="sink"/>; returns the subscription's id.</summary>
    public async Task<long> SubscribeAsync(JsonObject command, IEventSink sink, CancellationToken cancellationToken) =>
        (await SendCoreAsync(command, sink, null, cancellationToken)).Id;

    public void RemoveEventSink(long subscriptionId) => _eventSinks.TryRemove(subscriptionId, out _);

    /// <summary>Ends the session for <paramref name="reason"/>; the first reason given is the one reported.</summary>
    public void Abort(DisconnectReason reason)
    {
        Interlocked.CompareExchange(ref _abortReason, (int)reason, -1);
        _transport.Abort();
    }

    private async Task<(long Id, JsonElement Result)> SendCoreAsync(JsonObject command, IEventSink? sink, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var type = command["type"]?.GetValue<string>() ?? throw new ArgumentException("A command needs a type.", nameof(command));
        long id;
        Task<JsonElement> result;
        // One sender at a time: frames never interleave, and ids reach the wire in the order they were taken.
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            id = _ids.Next();
            command["id"] = id;
            result = _pending.Register(id, type);
            if (sink is not null)
            {
                _eventSinks[id] = sink;
            }

            if (_closing)
            {
                Forget(id);
                throw Lost(null);
            }

            try
            {
                await _transport.SendAsync(MessageFraming.Serialize(command), _stop.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                Forget(id);
                throw Lost(ex);
            }
        }
        finally
        {
            _sendLock.Release();
        }

        try
        {
            return (id, await _pending.WaitAsync(id, result, timeout ?? _settings.CommandTimeout, _time, cancellationToken));
        }
        catch when (sink is not null)
        {
            RemoveEventSink(id);
            throw;
        }
    }

    private void Forget(long id)
    {
        _pending.Remove(id);
        _eventSinks.TryRemove(id, out _);
    }

    private HomeAssistantConnectionLostException Lost(Exception? error)
    {
        var reason = Ended.IsCompletedSuccessfully ? Ended.Result.Reason : DisconnectReason.NetworkError;
        return new HomeAssistantConnectionLostException($"The connection to Home Assistant was lost ({reason}).", reason, error);
    }

    private async Task ReceiveLoopAsync()
    {
        var reason = DisconnectReason.NetworkError;
        Exception? error = null;
        try
        {
            while (true)
            {
                var frame = await _transport.ReceiveFrameAsync(_stop.Token);
                if (frame is null)
                {
                    reason = DisconnectReason.ClosedByServer;
                    break;
                }

                foreach (var message in MessageFraming.Split(frame.Value))
                {
                    Dispatch(message);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = DisconnectReason.Cancelled;
        }
        catch (HomeAssistantProtocolException ex)
        {
            reason = DisconnectReason.ProtocolError;
            error = ex;
        }
        catch (Exception ex)
        {
            // Whatever broke the loop, the session must end and report it, or callers would wait forever.
            error = ex;
        }

        var aborted = Volatile.Read(ref _abortReason);
        if (aborted >= 0)
        {
            reason = (DisconnectReason)aborted;
        }

        _closing = true;
        await _stop.CancelAsync();
        _pending.FailAll(new HomeAssistantConnectionLostException($"The connection to Home Assistant was lost ({reason}).", reason, error));
        _ended.TrySetResult(new SessionEnd(reason, error));
    }

    private void Dispatch(JsonElement message)
    {
        var type = MessageFraming.GetType(message);
        switch (type)
        {
            case "result":
            case "pong":
                if (!_pending.Complete(message))
                {
                    _logger.LogDebug("Home Assistant answered command {Id}, which no longer waits (timed out or cancelled)", Json.GetInt64(message, "id"));
                }

                break;
            case "event":
                // The message is already a copy of the frame: the subscription processes it on its own task.
                if (Json.GetInt64(message, "id") is { } id && _eventSinks.TryGetValue(id, out var sink) && message.TryGetProperty("event", out var payload))
                {
                    sink.Post(payload);
                }

                break;
            default:
                _logger.LogDebug("Ignoring a Home Assistant message of type {Type}", type);
                break;
        }
    }

    private async Task PingLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(_settings.PingInterval, _time, _stop.Token);
                try
                {
                    await SendCommandAsync(new JsonObject { ["type"] = "ping" }, _stop.Token, _settings.PongTimeout);
                }
                catch (HomeAssistantTimeoutException)
                {
                    _logger.LogWarning("Home Assistant did not answer a ping within {Seconds} s: the connection is dead", _settings.PongTimeout.TotalSeconds);
                    Abort(DisconnectReason.PingTimeout);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (HomeAssistantConnectionLostException)
        {
        }
    }

    private async Task AnnounceFeaturesAsync()
    {
        // Lets Home Assistant put several messages in one frame (a JSON array). Versions that do not know
        // the command answer with an error, which changes nothing.
        try
        {
            var features = new JsonObject { ["type"] = "supported_features", ["features"] = new JsonObject { ["coalesce_messages"] = 1 } };
            await SendCommandAsync(features, _stop.Token);
        }
        catch (HomeAssistantException ex)
        {
            _logger.LogDebug("Home Assistant did not take supported_features: {Message}", ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ended.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _abortReason, (int)DisconnectReason.Cancelled, -1);
            // A polite close when no send is in flight; otherwise the abort below is enough.
            if (await _sendLock.WaitAsync(TimeSpan.Zero))
            {
                try
                {
                    await _transport.CloseOutputAsync(_stop.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }

        await _stop.CancelAsync();
        _transport.Abort();
        await Task.WhenAll(_receiveLoop, _pingLoop);
        // The lock and the token source stay undisposed: a command racing the end of the session must fail
        // with HomeAssistantConnectionLostException, not ObjectDisposedException. Neither holds a kernel handle.
        _transport.Dispose();
    }
}
