using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.Protocol;
using Darkstar.HomeAssistant.Rest;
using Microsoft.Extensions.Logging;

namespace Darkstar.HomeAssistant.WebSockets;

/// <summary>
/// A subscription that outlives connections: the client sends its subscribe command again on every new
/// connection. Events arrive on the receive loop and are only queued there; the subscription's own task
/// parses and merges them and writes the results for the consumer.
/// </summary>
internal abstract class DurableSubscription : IEventSink
{
    public long? ServerId { get; set; }

    public HomeAssistantSession? Session { get; set; }

    /// <summary>True once it was subscribed on some connection; a later subscription is a re-subscription.</summary>
    public bool HasSubscribed { get; set; }

    public abstract JsonObject CreateSubscribeCommand();

    /// <summary>Runs before the subscribe command goes out, so what it queues comes before the first event.</summary>
    public virtual void BeforeSubscribe(bool resubscribed)
    {
    }

    /// <summary>Runs after Home Assistant accepted the subscription, e.g. to re-read states missed while disconnected.</summary>
    public virtual Task AfterSubscribedAsync(HomeAssistantSession session, bool resubscribed, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract void Post(JsonElement eventElement);

    /// <summary>Completes once everything posted before the call has been processed and emitted.</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken);

    public abstract void Complete(Exception? error);
}

internal abstract class DurableSubscription<T> : DurableSubscription
{
    private readonly Channel<object> _inbound = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<T> _output = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ILogger _logger;
    private Exception? _completionError;

    protected DurableSubscription(ILogger logger)
    {
        _logger = logger;
        Completion = Task.Run(PumpAsync);
    }

    public ChannelReader<T> Reader => _output.Reader;

    public Task Completion { get; }

    public override void Post(JsonElement eventElement) => _inbound.Writer.TryWrite(eventElement);

    public override void Complete(Exception? error)
    {
        _completionError = error;
        _inbound.Writer.TryComplete();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        var marker = new FlushMarker();
        if (_inbound.Writer.TryWrite(marker))
        {
            await marker.Done.Task.WaitAsync(cancellationToken);
        }
    }

    protected void Enqueue(object workItem) => _inbound.Writer.TryWrite(workItem);

    protected void Emit(T item) => _output.Writer.TryWrite(item);

    protected abstract void Process(object workItem);

    private async Task PumpAsync()
    {
        await foreach (var item in _inbound.Reader.ReadAllAsync())
        {
            if (item is FlushMarker marker)
            {
                marker.Done.TrySetResult();
                continue;
            }

            try
            {
                Process(item);
            }
            catch (HomeAssistantProtocolException ex)
            {
                // One malformed event must not end the stream of all the others.
                _logger.LogWarning(ex, "Skipping an event Home Assistant sent in a form the client does not read");
            }
        }

        _output.Writer.TryComplete(_completionError);
    }

    private sealed class FlushMarker
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary><c>subscribe_events</c>, for any event type (or all events when none is given).</summary>
internal sealed class EventSubscription(string? eventType, ILogger logger) : DurableSubscription<HomeAssistantEvent>(logger)
{
    public override JsonObject CreateSubscribeCommand()
    {
        var command = new JsonObject { ["type"] = "subscribe_events" };
        if (eventType is not null)
        {
            command["event_type"] = eventType;
        }

        return command;
    }

    protected override void Process(object workItem)
    {
        if (workItem is JsonElement element)
        {
            Emit(HomeAssistantEvent.Parse(element));
        }
    }
}

/// <summary>
/// <c>subscribe_events</c> for <c>state_changed</c>, which remembers the last state seen per entity. After
/// a reconnect it re-reads all states and reports, as synthetic changes, every entity whose state was
/// updated, appeared or disappeared while the client was away.
/// </summary>
internal sealed class StateChangeSubscription(IReadOnlySet<string>? entityIds, ILogger logger) : DurableSubscription<StateChangedEvent>(logger)
{
    private readonly Dictionary<string, EntityState> _lastSeen = new(StringComparer.Ordinal);

    // Set by the first snapshot or event. A snapshot after that reports what changed meanwhile; this is
    // decided here rather than from `resubscribed`, which a connection dying mid-subscribe can leave false
    // although events already arrived.
    private bool _seeded;

    public override JsonObject CreateSubscribeCommand() => new() { ["type"] = "subscribe_events", ["event_type"] = "state_changed" };

    public override async Task AfterSubscribedAsync(HomeAssistantSession session, bool resubscribed, CancellationToken cancellationToken)
    {
        var states = await session.SendCommandAsync(new JsonObject { ["type"] = "get_states" }, cancellationToken);
        // The first read only seeds what was seen; after a reconnect it reports what changed meanwhile.
        Enqueue(new StatesSnapshot(HomeAssistantRestClient.ParseStates(states)));
    }

    protected override void Process(object workItem)
    {
        switch (workItem)
        {
            case JsonElement element:
                ProcessEvent(element);
                break;
            case StatesSnapshot snapshot:
                ProcessSnapshot(snapshot);
                break;
        }
    }

    private void ProcessEvent(JsonElement element)
    {
        var data = element.TryGetProperty("data", out var value) ? value : default;
        var entityId = Json.GetString(data, "entity_id") ?? throw new HomeAssistantProtocolException("A state_changed event has no entity_id.");
        if (entityIds is not null && !entityIds.Contains(entityId))
        {
            return;
        }

        _seeded = true;
        var oldState = ReadState(data, "old_state");
        var newState = ReadState(data, "new_state");
        if (newState is null)
        {
            _lastSeen.Remove(entityId);
        }
        else
        {
            _lastSeen[entityId] = newState;
        }

        Emit(new StateChangedEvent(entityId, oldState, newState));
    }

    private void ProcessSnapshot(StatesSnapshot snapshot)
    {
        var report = _seeded;
        _seeded = true;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in snapshot.States)
        {
            if (entityIds is not null && !entityIds.Contains(state.EntityId))
            {
                continue;
            }

            present.Add(state.EntityId);
            if (_lastSeen.TryGetValue(state.EntityId, out var last))
            {
                // An event newer than the snapshot may already have been applied: never go back in time.
                if (state.LastUpdated <= last.LastUpdated)
                {
                    continue;
                }

                _lastSeen[state.EntityId] = state;
                if (report)
                {
                    Emit(new StateChangedEvent(state.EntityId, last, state, IsSynthetic: true));
                }
            }
            else
            {
                _lastSeen[state.EntityId] = state;
                if (report)
                {
                    Emit(new StateChangedEvent(state.EntityId, null, state, IsSynthetic: true));
                }
            }
        }

        if (report)
        {
            foreach (var gone in _lastSeen.Keys.Where(id => !present.Contains(id)).ToList())
            {
                _lastSeen.Remove(gone, out var last);
                Emit(new StateChangedEvent(gone, last, null, IsSynthetic: true));
            }
        }
    }

    private static EntityState? ReadState(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var state) && state.ValueKind == JsonValueKind.Object
            ? EntityState.Parse(state)
            : null;

    private sealed record StatesSnapshot(IReadOnlyList<EntityState> States);
}

/// <summary>
/// <c>subscribe_entities</c>: Home Assistant sends all states first, then compressed changes; the merged
/// map turns them into full states. After a reconnect the first full set is compared with the map.
/// </summary>
internal sealed class EntitiesSubscription(IReadOnlyCollection<string>? entityIds, ILogger logger) : DurableSubscription<StateChangedEvent>(logger)
{
    private readonly CompressedStateMerger _merger = new();

    public override JsonObject CreateSubscribeCommand()
    {
        var command = new JsonObject { ["type"] = "subscribe_entities" };
        if (entityIds is { Count: > 0 })
        {
            command["entity_ids"] = new JsonArray([.. entityIds.Select(id => (JsonNode?)JsonValue.Create(id))]);
        }

        return command;
    }

    // Every subscribe command, first or not, is preceded by a marker. Whether the next full set is a resync
    // is decided from what the merger already holds, not from `resubscribed`: a connection that dies right
    // after delivering events can leave the first subscribe looking failed although its states arrived.
    public override void BeforeSubscribe(bool resubscribed) => Enqueue(ResyncMarker.Instance);

    protected override void Process(object workItem)
    {
        switch (workItem)
        {
            case ResyncMarker when _merger.HasStates:
                _merger.BeginSnapshot();
                break;
            case ResyncMarker:
                break;
            case JsonElement element:
                foreach (var change in _merger.Apply(element))
                {
                    Emit(change);
                }

                break;
        }
    }

    private sealed class ResyncMarker
    {
        public static readonly ResyncMarker Instance = new();
    }
}
