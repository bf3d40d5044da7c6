using System.Text.Json;

namespace Darkstar.HomeAssistant.Model;

/// <summary>The states of one entity over a period, oldest first, from <c>/api/history/period</c>.</summary>
public sealed record EntityHistory(string EntityId, IReadOnlyList<EntityState> States)
{
    /// <summary>
    /// Parses the history response: one array per entity. With <c>minimal_response</c>, every state but
    /// the first and the last carries only <c>state</c> and <c>last_changed</c> (no <c>entity_id</c>, no
    /// attributes); such a state takes the entity id of its array and the attributes of the last full state
    /// before it, so that its unit is still known.
    /// </summary>
    public static IReadOnlyList<EntityHistory> ParseResponse(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Array)
        {
            throw new HomeAssistantProtocolException($"A history response must be an array, not {response.ValueKind}.");
        }

        var histories = new List<EntityHistory>();
        foreach (var entityStates in response.EnumerateArray())
        {
            if (entityStates.ValueKind != JsonValueKind.Array)
            {
                throw new HomeAssistantProtocolException("A history response holds something other than an array of states.");
            }

            var states = new List<EntityState>(entityStates.GetArrayLength());
            string? entityId = null;
            IReadOnlyDictionary<string, JsonElement>? attributes = null;
            foreach (var item in entityStates.EnumerateArray())
            {
                var state = EntityState.Parse(item, entityId, attributes);
                entityId ??= state.EntityId;
                attributes = state.Attributes;
                states.Add(state);
            }

            if (entityId is not null)
            {
                histories.Add(new EntityHistory(entityId, states));
            }
        }

        return histories;
    }
}
