namespace Darkstar.Simulation.Home;

/// <summary>A <c>state_changed</c> event: the entity, its state before (null when new) and after.</summary>
public sealed record StateChangedEvent(string EntityId, EntityState? OldState, EntityState NewState, DateTimeOffset TimeFired);

/// <summary>
/// The entities and their current states, as Home Assistant's state machine keeps them: a write that
/// changes neither the state text nor an attribute changes nothing and fires no event.
/// </summary>
public sealed class StateMachine
{
    private readonly object _gate = new();
    private readonly Dictionary<string, EntityState> _states = new(StringComparer.Ordinal);
    private readonly List<Action<StateChangedEvent>> _listeners = [];
    private readonly ContextIds _contextIds;

    public StateMachine(ContextIds contextIds)
    {
        _contextIds = contextIds;
    }

    public EntityState? Get(string entityId)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault(entityId);
        }
    }

    public IReadOnlyList<EntityState> All()
    {
        lock (_gate)
        {
            return [.. _states.Values.OrderBy(s => s.EntityId, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Sets an entity's state at <paramref name="now"/>. Returns the new state, or the unchanged one when
    /// neither the text nor an attribute differ (as Home Assistant, no event then).
    /// </summary>
    public EntityState Set(string entityId, string state, IReadOnlyDictionary<string, object?> attributes, DateTimeOffset now, StateContext? context = null)
    {
        StateChangedEvent change;
        Action<StateChangedEvent>[] listeners;
        lock (_gate)
        {
            var old = _states.GetValueOrDefault(entityId);
            var stateChanged = old is null || old.State != state;
            var attributesChanged = old is null || !SameAttributes(old.Attributes, attributes);
            if (!stateChanged && !attributesChanged)
            {
                return old!;
            }

            var updated = new EntityState(
                entityId,
                state,
                new Dictionary<string, object?>(attributes, StringComparer.Ordinal),
                stateChanged ? now : old!.LastChanged,
                now,
                context ?? _contextIds.Next(now, userId: null));
            _states[entityId] = updated;
            change = new StateChangedEvent(entityId, old, updated, now);
            listeners = [.. _listeners];
        }

        // Listeners only queue work (history, WebSocket sends), so calling them in order keeps events ordered.
        foreach (var listener in listeners)
        {
            listener(change);
        }

        return change.NewState;
    }

    /// <summary>
    /// Hands <paramref name="snapshot"/> the current states and registers <paramref name="listener"/> in one
    /// step, so a subscriber sees every later change exactly once and after the snapshot.
    /// </summary>
    public IDisposable ListenWithSnapshot(Action<IReadOnlyList<EntityState>> snapshot, Action<StateChangedEvent> listener)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            snapshot([.. _states.Values.OrderBy(s => s.EntityId, StringComparer.Ordinal)]);
            return Listen(listener);
        }
    }

    /// <summary>Registers a listener for every change; dispose the result to stop listening.</summary>
    public IDisposable Listen(Action<StateChangedEvent> listener)
    {
        lock (_gate)
        {
            _listeners.Add(listener);
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _listeners.Remove(listener);
            }
        });
    }

    private static bool SameAttributes(IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && HaJson.SameValue(pair.Value, other));

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}

/// <summary>Context ids in Home Assistant's form (26-character ULIDs), unique within one home.</summary>
public sealed class ContextIds
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private long _counter;

    public StateContext Next(DateTimeOffset now, string? userId)
    {
        var milliseconds = (long)HaJson.EpochMilliseconds(now);
        var counter = Interlocked.Increment(ref _counter);
        Span<char> text = stackalloc char[26];
        // 10 characters of time, then 16 of a counter where a ULID would have randomness.
        for (var i = 9; i >= 0; i--)
        {
            text[i] = Crockford[(int)(milliseconds & 31)];
            milliseconds >>= 5;
        }

        for (var i = 25; i >= 10; i--)
        {
            text[i] = Crockford[(int)(counter & 31)];
            counter >>= 5;
        }

        return new StateContext(new string(text), null, userId);
    }
}
