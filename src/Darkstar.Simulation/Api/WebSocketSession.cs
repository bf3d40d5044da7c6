using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Darkstar.Simulation.Home;
using Darkstar.Simulation.Recording;
using Microsoft.AspNetCore.Http;

namespace Darkstar.Simulation.Api;

/// <summary>
/// One client on Home Assistant's WebSocket API: the auth handshake, then commands with increasing ids,
/// results, and events for its subscriptions. Replies and events go through one queue, so a client sees
/// them in order; several waiting messages may go in one frame as a JSON array (coalescing).
/// </summary>
internal sealed class WebSocketSession
{
    private const int MaxCoalesced = 64;

    private readonly WebSocket _socket;
    private readonly SimulatedHome _home;
    private readonly Channel<JsonNode> _outgoing = Channel.CreateUnbounded<JsonNode>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, IDisposable> _subscriptions = [];
    private long _lastId;
    private bool _clientCoalesces;
    private bool _authenticated;

    private WebSocketSession(WebSocket socket, SimulatedHome home)
    {
        _socket = socket;
        _home = home;
    }

    public static async Task AcceptAsync(HttpContext context, SimulatedHome home)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new WebSocketSession(socket, home);
        await session.RunAsync(context.RequestAborted);
    }

    private async Task RunAsync(CancellationToken requestAborted)
    {
        using var dropped = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        void Drop()
        {
            try
            {
                _socket.Abort();
                dropped.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The session ended while the drop was on its way (the event had already picked its handlers).
            }
        }

        _home.Faults.WebSocketsDropped += Drop;
        var writer = WriteLoopAsync(dropped.Token);
        try
        {
            Enqueue(new JsonObject { ["type"] = "auth_required", ["ha_version"] = _home.Options.Version });
            var auth = await ReceiveAsync(dropped.Token);
            var token = (auth as JsonObject)?["access_token"]?.GetValue<string>();
            if (auth?["type"]?.GetValue<string>() != "auth" || token != _home.Token || _home.Faults.RefuseAuth)
            {
                Enqueue(new JsonObject { ["type"] = "auth_invalid", ["message"] = "Invalid access token or password" });
                _outgoing.Writer.TryComplete();
                await writer;
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, dropped.Token);
                return;
            }

            Enqueue(new JsonObject { ["type"] = "auth_ok", ["ha_version"] = _home.Options.Version });
            _authenticated = true;
            while (!dropped.IsCancellationRequested)
            {
                var message = await ReceiveAsync(dropped.Token);
                if (message is null)
                {
                    break;
                }

                Handle(message);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException)
        {
            // The client went away, the connection was dropped on purpose, or it sent something that is not JSON (Home Assistant disconnects then too).
        }
        finally
        {
            _home.Faults.WebSocketsDropped -= Drop;
            foreach (var subscription in _subscriptions.Values)
            {
                subscription.Dispose();
            }

            _outgoing.Writer.TryComplete();
            try
            {
                await writer;
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // Nothing more can be sent on a dropped connection.
            }

            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
    }

    private void Handle(JsonNode message)
    {
        if (message is not JsonObject command || command["id"] is not JsonValue idValue || !idValue.TryGetValue<long>(out var id) ||
            command["type"]?.GetValue<string>() is not { } type)
        {
            var badId = (message as JsonObject)?["id"]?.DeepClone();
            Enqueue(Error(badId, "invalid_format", "Message incorrectly formatted."));
            return;
        }

        if (id <= _lastId)
        {
            Enqueue(Error(id, "id_reuse", "Identifier values have to increase."));
            return;
        }

        _lastId = id;
        try
        {
            switch (type)
            {
                case "ping":
                    Enqueue(new JsonObject { ["id"] = id, ["type"] = "pong" });
                    break;
                case "supported_features":
                    _clientCoalesces = command["features"]?["coalesce_messages"] is JsonValue flag && flag.TryGetValue<int>(out var on) && on == 1;
                    Enqueue(Result(id, null));
                    break;
                case "get_states":
                    Enqueue(Result(id, new JsonArray([.. _home.States.All().Select(s => (JsonNode)s.ToJson())])));
                    break;
                case "get_config":
                    Enqueue(Result(id, HomeAssistantApi.Config(_home)));
                    break;
                case "get_services":
                    Enqueue(Result(id, ServiceCatalog.ToJson()));
                    break;
                case "subscribe_events":
                    SubscribeEvents(id, command["event_type"]?.GetValue<string>());
                    break;
                case "subscribe_entities":
                    SubscribeEntities(id, command["entity_ids"] is JsonArray ids ? [.. ids.Select(i => i!.GetValue<string>())] : null);
                    break;
                case "unsubscribe_events":
                    Unsubscribe(id, command["subscription"]?.GetValue<long>());
                    break;
                case "call_service":
                    CallService(id, command);
                    break;
                case "config_entries/get":
                    Enqueue(Result(id, ConfigEntries(command["domain"]?.GetValue<string>())));
                    break;
                case "recorder/list_statistic_ids":
                    Enqueue(Result(id, new JsonArray([.. _home.Recorder.ListStatisticIds(command["statistic_type"]?.GetValue<string>()).Select(m => (JsonNode)MetadataJson(m))])));
                    break;
                case "recorder/get_statistics_metadata":
                    var wanted = command["statistic_ids"] is JsonArray list ? list.Select(i => i!.GetValue<string>()).ToHashSet() : null;
                    Enqueue(Result(id, new JsonArray([.. _home.Recorder.ListStatisticIds(null)
                        .Where(m => wanted is null || wanted.Contains(m.StatisticId))
                        .Select(m => (JsonNode)MetadataJson(m))])));
                    break;
                case "recorder/statistics_during_period":
                    Enqueue(StatisticsQuery.Answer(_home.Recorder, id, command));
                    break;
                default:
                    Enqueue(Error(id, "unknown_command", "Unknown command."));
                    break;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            // A field of the wrong JSON type: Home Assistant's schema validation answers invalid_format.
            Enqueue(Error(id, "invalid_format", $"Message incorrectly formatted: {e.Message}"));
        }
    }

    private void SubscribeEvents(long id, string? eventType)
    {
        // The simulated home fires only state_changed; a subscription to another type is valid and stays quiet.
        var subscription = _home.States.Listen(change =>
        {
            if (eventType is null or "state_changed")
            {
                Enqueue(Event(id, StateChangedJson(change)));
            }
        });
        _subscriptions[id] = subscription;
        Enqueue(Result(id, null));
    }

    private void SubscribeEntities(long id, HashSet<string>? entityIds)
    {
        Enqueue(Result(id, null));
        _subscriptions[id] = _home.States.ListenWithSnapshot(
            states =>
            {
                var added = new JsonObject();
                foreach (var state in states.Where(s => entityIds is null || entityIds.Contains(s.EntityId)))
                {
                    added[state.EntityId] = state.ToCompressedJson();
                }

                Enqueue(Event(id, new JsonObject { ["a"] = added }));
            },
            change =>
            {
                if (entityIds is not null && !entityIds.Contains(change.EntityId))
                {
                    return;
                }

                var body = change.OldState is null
                    ? new JsonObject { ["a"] = new JsonObject { [change.EntityId] = change.NewState.ToCompressedJson() } }
                    : new JsonObject { ["c"] = new JsonObject { [change.EntityId] = change.NewState.ToCompressedDiff(change.OldState) } };
                Enqueue(Event(id, body));
            });
    }

    private void Unsubscribe(long id, long? subscription)
    {
        if (subscription is { } key && _subscriptions.Remove(key, out var existing))
        {
            existing.Dispose();
            Enqueue(Result(id, null));
        }
        else
        {
            Enqueue(Error(id, "not_found", "Subscription not found."));
        }
    }

    private void CallService(long id, JsonObject command)
    {
        var domain = command["domain"]?.GetValue<string>();
        var service = command["service"]?.GetValue<string>();
        if (domain is null || service is null)
        {
            Enqueue(Error(id, "invalid_format", "Message incorrectly formatted: required key not provided @ data['domain']"));
            return;
        }

        var returnResponse = command["return_response"]?.GetValue<bool>() ?? false;
        try
        {
            var result = _home.Model.CallService(
                domain,
                service,
                command["service_data"]?.DeepClone() as JsonObject,
                command["target"] as JsonObject,
                returnResponse,
                _home.Clock.GetUtcNow(),
                userId: "darkstar-simulated-user");
            var body = new JsonObject { ["context"] = result.Context.ToJson() };
            if (returnResponse)
            {
                body["response"] = result.Response;
            }

            Enqueue(Result(id, body));
        }
        catch (ServiceCallException e)
        {
            Enqueue(Error(id, e.Code, e.Message));
        }
    }

    private static JsonArray ConfigEntries(string? domain)
    {
        var entries = new JsonArray();
        if (domain is null or "nordpool")
        {
            entries.Add(new JsonObject
            {
                ["entry_id"] = HomeSimulation.NordpoolConfigEntryId,
                ["domain"] = "nordpool",
                ["title"] = "Nord Pool",
                ["source"] = "user",
                ["state"] = "loaded",
                ["supports_options"] = false,
                ["disabled_by"] = null,
            });
        }

        return entries;
    }

    private static JsonObject MetadataJson(StatisticMetadata metadata) => new()
    {
        ["statistic_id"] = metadata.StatisticId,
        ["display_unit_of_measurement"] = metadata.Unit,
        ["has_mean"] = metadata.HasMean,
        ["mean_type"] = metadata.HasMean ? 1 : 0,
        ["has_sum"] = metadata.HasSum,
        ["name"] = metadata.Name,
        ["source"] = "recorder",
        ["statistics_unit_of_measurement"] = metadata.Unit,
        ["unit_class"] = metadata.UnitClass,
    };

    private static JsonObject StateChangedJson(StateChangedEvent change) => new()
    {
        ["event_type"] = "state_changed",
        ["data"] = new JsonObject
        {
            ["entity_id"] = change.EntityId,
            ["old_state"] = change.OldState?.ToJson(),
            ["new_state"] = change.NewState.ToJson(),
        },
        ["origin"] = "LOCAL",
        ["time_fired"] = HaJson.Timestamp(change.TimeFired),
        ["context"] = change.NewState.Context.ToJson(),
    };

    private static JsonObject Event(long id, JsonObject body) => new() { ["id"] = id, ["type"] = "event", ["event"] = body };

    private static JsonObject Result(long id, JsonNode? result) => new() { ["id"] = id, ["type"] = "result", ["success"] = true, ["result"] = result };

    internal static JsonObject Error(JsonNode? id, string code, string message) => new()
    {
        ["id"] = id,
        ["type"] = "result",
        ["success"] = false,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    private static JsonObject Error(long id, string code, string message) => Error(JsonValue.Create(id), code, message);

    private void Enqueue(JsonNode message) => _outgoing.Writer.TryWrite(message);

    private async Task<JsonNode?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                break;
            }
        }

        message.Position = 0;
        return JsonNode.Parse(message);
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _outgoing.Reader;
        var batch = new List<JsonNode>();
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            var coalesce = _authenticated && (_home.Coalescing == MessageCoalescing.Always ||
                (_home.Coalescing == MessageCoalescing.WhenClientSupports && _clientCoalesces));
            while (batch.Count < (coalesce ? MaxCoalesced : 1) && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (_home.Faults.ResponseDelay is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            var text = batch.Count == 1
                ? HaJson.Text(batch[0])
                : "[" + string.Join(",", batch.Select(HaJson.Text)) + "]";
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }
}

/// <summary><c>recorder/statistics_during_period</c>: rows with epoch-millisecond bounds and the asked types.</summary>
internal static class StatisticsQuery
{
    private static readonly string[] AllTypes = ["change", "last_reset", "max", "mean", "min", "state", "sum"];

    public static JsonObject Answer(Recorder recorder, long id, JsonObject command)
    {
        var startText = command["start_time"]?.GetValue<string>();
        if (startText is null || !HomeAssistantApi.TryParseInstant(startText, out var start))
        {
            return WebSocketSession.Error(JsonValue.Create(id), "invalid_start_time", "Invalid start_time");
        }

        DateTimeOffset? end = null;
        if (command["end_time"]?.GetValue<string>() is { } endText)
        {
            if (!HomeAssistantApi.TryParseInstant(endText, out var parsedEnd))
            {
                return WebSocketSession.Error(JsonValue.Create(id), "invalid_end_time", "Invalid end_time");
            }

            end = parsedEnd;
        }

        StatisticsPeriod? period = command["period"]?.GetValue<string>() switch
        {
            "5minute" => StatisticsPeriod.FiveMinute,
            "hour" => StatisticsPeriod.Hour,
            "day" => StatisticsPeriod.Day,
            "week" => StatisticsPeriod.Week,
            "month" => StatisticsPeriod.Month,
            _ => null,
        };
        if (period is null)
        {
            return WebSocketSession.Error(JsonValue.Create(id), "invalid_format", "Message incorrectly formatted: value must be one of ['5minute', 'day', 'hour', 'week', 'month'] for dictionary value @ data['period']");
        }

        if (command["statistic_ids"] is not JsonArray idArray)
        {
            return WebSocketSession.Error(JsonValue.Create(id), "invalid_format", "Message incorrectly formatted: required key not provided @ data['statistic_ids']");
        }

        var types = command["types"] is JsonArray typeArray
            ? typeArray.Select(t => t!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
            : AllTypes.ToHashSet(StringComparer.Ordinal);
        var units = command["units"] as JsonObject;
        var result = new JsonObject();
        foreach (var statisticId in idArray.Select(i => i!.GetValue<string>()))
        {
            var metadata = recorder.Metadata(statisticId);
            if (metadata is null)
            {
                continue;
            }

            var factor = 1.0;
            if (metadata.UnitClass is { } unitClass && units?[unitClass]?.GetValue<string>() is { } wantedUnit &&
                UnitClasses.Convert(1, metadata.Unit, wantedUnit) is { } converted)
            {
                factor = converted;
            }

            var (rows, sumBefore) = recorder.Statistics(statisticId, period.Value, start, end);
            if (rows.Count == 0)
            {
                continue;
            }

            var previousSum = sumBefore ?? 0;
            var list = new JsonArray();
            foreach (var row in rows)
            {
                var json = new JsonObject
                {
                    ["start"] = HaJson.EpochMilliseconds(row.Start),
                    ["end"] = HaJson.EpochMilliseconds(row.End),
                };
                if (types.Contains("change"))
                {
                    json["change"] = row.Sum is { } sum ? Scale(sum - previousSum, factor) : null;
                }

                if (types.Contains("last_reset"))
                {
                    json["last_reset"] = null;
                }

                if (types.Contains("max"))
                {
                    json["max"] = Scale(row.Max, factor);
                }

                if (types.Contains("mean"))
                {
                    json["mean"] = Scale(row.Mean, factor);
                }

                if (types.Contains("min"))
                {
                    json["min"] = Scale(row.Min, factor);
                }

                if (types.Contains("state"))
                {
                    json["state"] = Scale(row.State, factor);
                }

                if (types.Contains("sum"))
                {
                    json["sum"] = Scale(row.Sum, factor);
                }

                previousSum = row.Sum ?? previousSum;
                list.Add(json);
            }

            result[statisticId] = list;
        }

        return new JsonObject { ["id"] = id, ["type"] = "result", ["success"] = true, ["result"] = result };
    }

    private static double? Scale(double? value, double factor) => value is { } v ? Math.Round(v * factor, 9) : null;
}
