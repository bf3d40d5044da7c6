using System.Text.Json;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.HomeAssistant.Protocol;

/// <summary>
/// Keeps the full states behind a <c>subscribe_entities</c> stream. Its events are compressed:
/// <c>a</c> adds whole states (<c>s</c> state, <c>a</c> attributes, <c>c</c> context, <c>lc</c> last
/// changed, <c>lu</c> last updated when it differs, in epoch seconds), <c>c</c> changes them
/// (<c>+</c> what is new, <c>-</c> the attribute keys removed), and <c>r</c> removes entities.
/// </summary>
internal sealed class CompressedStateMerger
{
    private readonly Dictionary<string, EntityState> _states = new(StringComparer.Ordinal);
    private bool _awaitingSnapshot;

    public IReadOnlyDictionary<string, EntityState> States => _states;

    /// <summary>
    /// Marks the next <c>a</c> event as the complete set of states sent after a re-subscription: only what
    /// differs from the known states is reported, and known entities that are absent are reported removed.
    /// </summary>
    public void BeginSnapshot() => _awaitingSnapshot = true;

    /// <summary>True once any state is known: a full set after that is a resync, not the first load.</summary>
    public bool HasStates => _states.Count > 0;

    public IReadOnlyList<StateChangedEvent> Apply(JsonElement compressedEvent)
    {
        if (compressedEvent.ValueKind != JsonValueKind.Object)
        {
            throw new HomeAssistantProtocolException($"A subscribe_entities event must be an object, not {compressedEvent.ValueKind}.");
        }

        var changes = new List<StateChangedEvent>();
        if (compressedEvent.TryGetProperty("a", out var additions) && additions.ValueKind == JsonValueKind.Object)
        {
            ApplyAdditions(additions, changes);
        }

        if (compressedEvent.TryGetProperty("c", out var diffs) && diffs.ValueKind == JsonValueKind.Object)
        {
            foreach (var diff in diffs.EnumerateObject())
            {
                if (_states.TryGetValue(diff.Name, out var old))
                {
                    var merged = ApplyDiff(old, diff.Value);
                    _states[diff.Name] = merged;
                    changes.Add(new StateChangedEvent(diff.Name, old, merged));
                }
            }
        }

        if (compressedEvent.TryGetProperty("r", out var removals) && removals.ValueKind == JsonValueKind.Array)
        {
            foreach (var removal in removals.EnumerateArray())
            {
                if (removal.GetString() is { } entityId && _states.Remove(entityId, out var old))
                {
                    changes.Add(new StateChangedEvent(entityId, old, null));
                }
            }
        }

        return changes;
    }

    private void ApplyAdditions(JsonElement additions, List<StateChangedEvent> changes)
    {
        var snapshot = _awaitingSnapshot;
        _awaitingSnapshot = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var addition in additions.EnumerateObject())
        {
            var state = ParseCompressed(addition.Name, addition.Value);
            seen.Add(addition.Name);
            _states.TryGetValue(addition.Name, out var old);
            _states[addition.Name] = state;
            if (!snapshot)
            {
                changes.Add(new StateChangedEvent(addition.Name, old, state));
            }
            else if (old is null || !string.Equals(old.State, state.State, StringComparison.Ordinal) || old.LastUpdated != state.LastUpdated)
            {
                changes.Add(new StateChangedEvent(addition.Name, old, state, IsSynthetic: true));
            }
        }

        if (snapshot)
        {
            foreach (var gone in _states.Keys.Where(id => !seen.Contains(id)).ToList())
            {
                _states.Remove(gone, out var old);
                changes.Add(new StateChangedEvent(gone, old, null, IsSynthetic: true));
            }
        }
    }

    internal static EntityState ParseCompressed(string entityId, JsonElement compressed)
    {
        var state = Json.GetString(compressed, "s")
            ?? throw new HomeAssistantProtocolException($"The compressed state of {entityId} has no 's'.");
        var lastChanged = Json.GetDouble(compressed, "lc") is { } lc
            ? Json.FromEpochSeconds(lc)
            : throw new HomeAssistantProtocolException($"The compressed state of {entityId} has no 'lc'.");
        var lastUpdated = Json.GetDouble(compressed, "lu") is { } lu ? Json.FromEpochSeconds(lu) : lastChanged;
        var attributes = compressed.TryGetProperty("a", out var a) && a.ValueKind == JsonValueKind.Object
            ? EntityState.ReadAttributes(a)
            : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        return new EntityState(entityId, state, attributes, lastChanged, lastUpdated);
    }

    internal static EntityState ApplyDiff(EntityState old, JsonElement diff)
    {
        var state = old.State;
        var lastChanged = old.LastChanged;
        var lastUpdated = old.LastUpdated;
        Dictionary<string, JsonElement>? attributes = null;

        if (diff.TryGetProperty("+", out var plus) && plus.ValueKind == JsonValueKind.Object)
        {
            state = Json.GetString(plus, "s") ?? state;
            // A new last_changed means the state changed, which also updates it; otherwise only lu moves.
            if (Json.GetDouble(plus, "lc") is { } lc)
            {
                lastChanged = Json.FromEpochSeconds(lc);
                lastUpdated = lastChanged;
            }
            else if (Json.GetDouble(plus, "lu") is { } lu)
            {
                lastUpdated = Json.FromEpochSeconds(lu);
            }

            if (plus.TryGetProperty("a", out var added) && added.ValueKind == JsonValueKind.Object)
            {
                attributes = new Dictionary<string, JsonElement>(old.Attributes, StringComparer.Ordinal);
                foreach (var attribute in added.EnumerateObject())
                {
                    attributes[attribute.Name] = attribute.Value.Clone();
                }
            }
        }

        if (diff.TryGetProperty("-", out var minus) && minus.ValueKind == JsonValueKind.Object &&
            minus.TryGetProperty("a", out var removed) && removed.ValueKind == JsonValueKind.Array)
        {
            attributes ??= new Dictionary<string, JsonElement>(old.Attributes, StringComparer.Ordinal);
            foreach (var key in removed.EnumerateArray())
            {
                if (key.GetString() is { } name)
                {
                    attributes.Remove(name);
                }
            }
        }

        return new EntityState(old.EntityId, state, attributes ?? old.Attributes, lastChanged, lastUpdated);
    }
}
