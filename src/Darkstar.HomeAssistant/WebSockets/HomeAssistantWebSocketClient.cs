using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.Protocol;
using Darkstar.HomeAssistant.Rest;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Darkstar.HomeAssistant.WebSockets;

/// <summary>
/// Home Assistant's WebSocket API, kept connected for as long as the client lives: it reconnects with
/// backoff, re-establishes every subscription and reports states missed while away, and stops only when
/// Home Assistant refuses the token. Commands issued while disconnected wait for the connection up to
/// <see cref="HomeAssistantConnectionSettings.CommandTimeout"/>.
/// </summary>
public sealed class HomeAssistantWebSocketClient : IAsyncDisposable
{
    private readonly HomeAssistantConnectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<HomeAssistantWebSocketClient> _logger;
    private readonly CommandIdSource _ids = new();
    private readonly ResiliencePipeline _backoff;
    private readonly Channel<ConnectionChange> _changes = Channel.CreateBounded<ConnectionChange>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false });
    private readonly List<DurableSubscription> _subscriptions = [];
    private readonly SemaphoreSlim _subscriptionGate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private TaskCompletionSource<HomeAssistantSession> _sessionReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HomeAssistantSession? _session;
    private HomeAssistantAuthenticationException? _refusal;
    private Task? _runLoop;
    private bool _disposed;

    public HomeAssistantWebSocketClient(HomeAssistantConnectionSettings settings, TimeProvider timeProvider, ILogger<HomeAssistantWebSocketClient> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _settings = settings;
        _time = timeProvider;
        _logger = logger;
        _backoff = ReconnectBackoff.Create(settings, timeProvider, OnRetryAsync);
    }

    /// <summary>Every connect, disconnect (with its <see cref="DisconnectReason"/>) and the final stop, in order.</summary>
    public ChannelReader<ConnectionChange> ConnectionChanges => _changes.Reader;

    public bool IsConnected => Volatile.Read(ref _session) is { Ended.IsCompleted: false };

    /// <summary>
    /// Home Assistant's latest refusal of the token, while it lasts (null once a connection is accepted); only with
    /// <see cref="HomeAssistantConnectionSettings.RefusedTokenRetryDelay"/>, else a refusal stops the client.
    /// </summary>
    public HomeAssistantAuthenticationException? Refusal => Volatile.Read(ref _refusal);

    /// <summary>The longest wait between two attempts with a refused token.</summary>
    public static readonly TimeSpan MaxRefusedTokenRetryDelay = TimeSpan.FromMinutes(30);

    /// <summary>The version Home Assistant announced on the current connection.</summary>
    public string? HomeAssistantVersion => Volatile.Read(ref _session)?.HomeAssistantVersion;

    /// <summary>The highest command id used so far; ids only ever increase.</summary>
    internal long LastCommandId => _ids.Last;

    /// <summary>Commands waiting for a result on the current connection.</summary>
    internal int PendingCommandCount => Volatile.Read(ref _session)?.PendingCount ?? 0;

    /// <summary>Starts connecting and returns once the first connection is authenticated.</summary>
    /// <exception cref="HomeAssistantAuthenticationException">Home Assistant refused the token; the client has stopped.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            _runLoop ??= Task.Run(() => RunAsync(_lifetime.Token), CancellationToken.None);
        }

        await _firstConnection.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends any command (the client sets its <c>id</c>) and returns its <c>result</c>.</summary>
    public async Task<JsonElement> SendCommandAsync(JsonObject command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var session = await WaitForSessionAsync(cancellationToken);
        return await session.SendCommandAsync(command, cancellationToken);
    }

    /// <summary><c>get_states</c>.</summary>
    public async Task<IReadOnlyList<EntityState>> GetStatesAsync(CancellationToken cancellationToken) =>
        HomeAssistantRestClient.ParseStates(await SendCommandAsync(new JsonObject { ["type"] = "get_states" }, cancellationToken));

    /// <summary><c>get_config</c>.</summary>
    public async Task<HomeAssistantConfig> GetConfigAsync(CancellationToken cancellationToken) =>
        HomeAssistantConfig.Parse(await SendCommandAsync(new JsonObject { ["type"] = "get_config" }, cancellationToken));

    /// <summary><c>call_service</c>; the result holds the service's response when the call asked for it.</summary>
    public async Task<ServiceCallResult> CallServiceAsync(ServiceCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ServiceCallResult.ParseWebSocket(await SendCommandAsync(call.ToWebSocketCommand(), cancellationToken));
    }

    /// <summary><c>recorder/statistics_during_period</c>: rows by statistic id, with start and end as instants.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<StatisticsRow>>> GetStatisticsDuringPeriodAsync(StatisticsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StatisticsRow.ParseResult(await SendCommandAsync(request.ToCommand(), cancellationToken));
    }

    /// <summary><c>recorder/list_statistic_ids</c>, optionally only those with a <c>mean</c> or a <c>sum</c>.</summary>
    public async Task<IReadOnlyList<StatisticMetadata>> ListStatisticIdsAsync(string? statisticType, CancellationToken cancellationToken)
    {
        var command = new JsonObject { ["type"] = "recorder/list_statistic_ids" };
        if (statisticType is not null)
        {
            command["statistic_type"] = statisticType;
        }

        return StatisticMetadata.ParseList(await SendCommandAsync(command, cancellationToken));
    }

    /// <summary>A <c>ping</c> that must come back as a <c>pong</c> within the pong timeout.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var session = await WaitForSessionAsync(cancellationToken);
        await session.SendCommandAsync(new JsonObject { ["type"] = "ping" }, cancellationToken, _settings.PongTimeout);
    }

    /// <summary><c>subscribe_events</c> for <paramref name="eventType"/> (all events when null).</summary>
    public Task<HomeAssistantSubscription<HomeAssistantEvent>> SubscribeEventsAsync(string? eventType, CancellationToken cancellationToken) =>
        SubscribeAsync(new EventSubscription(eventType, _logger), s => s.Reader, cancellationToken);

    /// <summary>
    /// <c>state_changed</c> events, for <paramref name="entityIds"/> or every entity. After a reconnect the
    /// states are re-read and every change missed meanwhile arrives as a synthetic event.
    /// </summary>
    public Task<HomeAssistantSubscription<StateChangedEvent>> SubscribeStateChangesAsync(IReadOnlyCollection<string>? entityIds, CancellationToken cancellationToken) =>
        SubscribeAsync(new StateChangeSubscription(entityIds?.ToHashSet(StringComparer.Ordinal), _logger), s => s.Reader, cancellationToken);

    /// <summary>
    /// <c>subscribe_entities</c>: first the current state of each entity (with no old state), then every
    /// change as a full state merged from Home Assistant's compressed diffs.
    /// </summary>
    public Task<HomeAssistantSubscription<StateChangedEvent>> SubscribeEntitiesAsync(IReadOnlyCollection<string>? entityIds, CancellationToken cancellationToken) =>
        SubscribeAsync(new EntitiesSubscription(entityIds, _logger), s => s.Reader, cancellationToken);

    private async Task<HomeAssistantSubscription<T>> SubscribeAsync<TSubscription, T>(
        TSubscription subscription, Func<TSubscription, ChannelReader<T>> reader, CancellationToken cancellationToken)
        where TSubscription : DurableSubscription
    {
        try
        {
            // Fails fast when the client has stopped, and waits (bounded) for a first connection.
            await WaitForSessionAsync(cancellationToken);
            await _subscriptionGate.WaitAsync(cancellationToken);
            try
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(subscription);
                }
                // Under the gate the session is either the one every subscription was restored on, or none;
                // a subscription that misses a dying session is restored on the next one.
                if (Volatile.Read(ref _session) is { } session)
                {
                    try
                    {
                        await SubscribeOnSessionAsync(session, subscription, cancellationToken);
                    }
                    catch (HomeAssistantConnectionLostException ex)
                    {
                        _logger.LogDebug("Subscription waits for the next connection: {Message}", ex.Message);
                    }
                }
            }
            catch
            {
                lock (_subscriptions)
                {
                    _subscriptions.Remove(subscription);
                }

                throw;
            }
            finally
            {
                _subscriptionGate.Release();
            }
        }
        catch
        {
            subscription.Complete(null);
            throw;
        }

        return new HomeAssistantSubscription<T>(reader(subscription), () => UnsubscribeAsync(subscription), subscription.FlushAsync);
    }

    private static async Task SubscribeOnSessionAsync(HomeAssistantSession session, DurableSubscription subscription, CancellationToken cancellationToken)
    {
        var resubscribed = subscription.HasSubscribed;
        subscription.BeforeSubscribe(resubscribed);
        var id = await session.SubscribeAsync(subscription.CreateSubscribeCommand(), subscription, cancellationToken);
        subscription.ServerId = id;
        subscription.Session = session;
        subscription.HasSubscribed = true;
        await subscription.AfterSubscribedAsync(session, resubscribed, cancellationToken);
    }

    private async ValueTask UnsubscribeAsync(DurableSubscription subscription)
    {
        await _subscriptionGate.WaitAsync();
        try
        {
            lock (_subscriptions)
            {
                _subscriptions.Remove(subscription);
            }

            if (subscription is { Session: { } session, ServerId: { } id } && session == Volatile.Read(ref _session) && !session.Ended.IsCompleted)
            {
                session.RemoveEventSink(id);
                try
                {
                    await session.SendCommandAsync(new JsonObject { ["type"] = "unsubscribe_events", ["subscription"] = id }, CancellationToken.None);
                }
                catch (HomeAssistantException ex)
                {
                    _logger.LogDebug("unsubscribe_events for {Id} failed: {Message}", id, ex.Message);
                }
            }
        }
        finally
        {
            _subscriptionGate.Release();
            subscription.Complete(null);
        }
    }

    private async Task<HomeAssistantSession> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_runLoop is null)
        {
            throw new InvalidOperationException("Call StartAsync before sending commands.");
        }

        if (Refusal is { } refused)
        {
            // No connection comes while the token is refused: say so at once rather than after the command timeout.
            throw new HomeAssistantAuthenticationException(refused.Message, refused);
        }

        Task<HomeAssistantSession> ready;
        lock (_gate)
        {
            ready = _sessionReady.Task;
        }

        try
        {
            return await ready.WaitAsync(_settings.CommandTimeout, _time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new HomeAssistantConnectionLostException(
                $"Not connected to Home Assistant at {_settings.WebSocketUri}; waited {_settings.CommandTimeout.TotalSeconds:0.###} s for a connection.",
                DisconnectReason.NetworkError,
                ex);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        Exception? fatal = null;
        var refusedWait = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            HomeAssistantSession session;
            try
            {
                session = await _backoff.ExecuteAsync(
                    static async (client, token) => await HomeAssistantSession.OpenAsync(client._settings, client._ids, client._time, client._logger, token),
                    this,
                    stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (HomeAssistantAuthenticationException ex) when (_settings.RefusedTokenRetryDelay is { } first)
            {
                // The service stays up and says so; the token may be accepted later (a Supervisor restart, a new token).
                if (Volatile.Read(ref _refusal) is null)
                {
                    _logger.LogError("{Message} Darkstar asks again from time to time.", ex.Message);
                }

                Volatile.Write(ref _refusal, ex);
                Report(new ConnectionChange(ConnectionStatus.Disconnected, _time.GetUtcNow(), DisconnectReason.AuthInvalid, ex));
                refusedWait = refusedWait < first ? first : TimeSpan.FromTicks(Math.Min(refusedWait.Ticks * 2, MaxRefusedTokenRetryDelay.Ticks));
                try
                {
                    await Task.Delay(refusedWait, _time, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                continue;
            }
            catch (HomeAssistantAuthenticationException ex)
            {
                _logger.LogError("{Message} The client stops reconnecting.", ex.Message);
                Report(new ConnectionChange(ConnectionStatus.Disconnected, _time.GetUtcNow(), DisconnectReason.AuthInvalid, ex));
                fatal = ex;
                break;
            }
            catch (Exception ex) when (!ReconnectBackoff.IsTransient(ex))
            {
                fatal = ex;
                break;
            }

            if (Volatile.Read(ref _refusal) is not null)
            {
                _logger.LogInformation("Home Assistant accepts the token again");
                Volatile.Write(ref _refusal, null);
            }

            refusedWait = TimeSpan.Zero;
            await RunSessionAsync(session, stop);
        }

        Stop(fatal);
    }

    private async Task RunSessionAsync(HomeAssistantSession session, CancellationToken stop)
    {
        session.Start();
        _logger.LogInformation("Connected to Home Assistant {Version} at {Endpoint}", session.HomeAssistantVersion, _settings.WebSocketUri);
        try
        {
            await _subscriptionGate.WaitAsync(stop);
            try
            {
                await RestoreSubscriptionsAsync(session, stop);
                lock (_gate)
                {
                    Volatile.Write(ref _session, session);
                    _sessionReady.TrySetResult(session);
                }
            }
            finally
            {
                _subscriptionGate.Release();
            }

            _firstConnection.TrySetResult();
            Report(new ConnectionChange(ConnectionStatus.Connected, _time.GetUtcNow(), HomeAssistantVersion: session.HomeAssistantVersion));
            var end = await session.Ended.WaitAsync(stop);
            _logger.LogWarning("Disconnected from Home Assistant ({Reason}); reconnecting", end.Reason);
            Report(new ConnectionChange(ConnectionStatus.Disconnected, _time.GetUtcNow(), end.Reason, end.Error));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                Volatile.Write(ref _session, null);
                if (_sessionReady.Task.IsCompleted)
                {
                    _sessionReady = new TaskCompletionSource<HomeAssistantSession>(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            await session.DisposeAsync();
        }
    }

    private async Task RestoreSubscriptionsAsync(HomeAssistantSession session, CancellationToken stop)
    {
        List<DurableSubscription> subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
        }

        foreach (var subscription in subscriptions)
        {
            try
            {
                await SubscribeOnSessionAsync(session, subscription, stop);
            }
            catch (HomeAssistantConnectionLostException)
            {
                // The new connection died already; the next one restores everything again.
                return;
            }
            catch (HomeAssistantException ex)
            {
                _logger.LogError(ex, "Could not restore a subscription after reconnecting; it stays registered for the next connection");
                session.Abort(DisconnectReason.ProtocolError);
                return;
            }
        }
    }

    private ValueTask OnRetryAsync(OnRetryArguments<object> arguments)
    {
        var error = arguments.Outcome.Exception;
        _logger.LogWarning(
            "Could not connect to Home Assistant at {Endpoint} (attempt {Attempt}): {Error}; next attempt in {Delay}",
            _settings.WebSocketUri,
            arguments.AttemptNumber + 1,
            error?.Message,
            arguments.RetryDelay);
        var reason = error switch
        {
            HomeAssistantProtocolException => DisconnectReason.ProtocolError,
            HomeAssistantConnectionLostException { Reason: { } lost } => lost,
            _ => DisconnectReason.NetworkError,
        };
        Report(new ConnectionChange(ConnectionStatus.Disconnected, _time.GetUtcNow(), reason, error));
        return ValueTask.CompletedTask;
    }

    private void Stop(Exception? fatal)
    {
        var error = fatal ?? new HomeAssistantConnectionLostException("The Home Assistant client was stopped.", DisconnectReason.Cancelled);
        lock (_gate)
        {
            _sessionReady.TrySetException(error);
        }

        _firstConnection.TrySetException(error);
        List<DurableSubscription> subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Complete(fatal);
        }

        Report(new ConnectionChange(ConnectionStatus.Stopped, _time.GetUtcNow(), fatal is null ? DisconnectReason.Cancelled : DisconnectReason.AuthInvalid, fatal));
        _changes.Writer.TryComplete();
    }

    private void Report(ConnectionChange change) => _changes.Writer.TryWrite(change);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _lifetime.CancelAsync();
        if (_runLoop is { } runLoop)
        {
            await runLoop;
        }
        else
        {
            Stop(null);
        }

        // The gate stays undisposed: a subscription disposed after the client still unsubscribes cleanly.
        _lifetime.Dispose();
    }
}
