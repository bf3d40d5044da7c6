using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Darkstar.Simulation.Tests;

/// <summary>
/// A bare WebSocket client for Home Assistant's protocol, written from the protocol's documentation, so the
/// server is tested without Darkstar's own client. It unpacks coalesced frames (JSON arrays) into messages
/// and counts how many frames were arrays.
/// </summary>
internal sealed class HaSocket : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket = new();
    private readonly Queue<JsonObject> _pending = new();
    private long _nextId;

    public int ArrayFrames { get; private set; }

    public WebSocketState State => _socket.State;

    public static async Task<HaSocket> ConnectAsync(Uri uri)
    {
        var socket = new HaSocket();
        using var limit = new CancellationTokenSource(ReceiveTimeout);
        await socket._socket.ConnectAsync(uri, limit.Token);
        return socket;
    }

    /// <summary>Connects, answers auth_required with the token and expects auth_ok.</summary>
    public static async Task<HaSocket> AuthenticatedAsync(SimulatedHome home, bool coalesce = false)
    {
        var socket = await ConnectAsync(home.WebSocketUri);
        var required = await socket.ReceiveAsync();
        Assert.Equal("auth_required", required["type"]!.GetValue<string>());
        await socket.SendRawAsync(new JsonObject { ["type"] = "auth", ["access_token"] = home.Token });
        var ok = await socket.ReceiveAsync();
        Assert.Equal("auth_ok", ok["type"]!.GetValue<string>());
        if (coalesce)
        {
            var result = await socket.CommandAsync(new JsonObject { ["type"] = "supported_features", ["features"] = new JsonObject { ["coalesce_messages"] = 1 } });
            Assert.True(result["success"]!.GetValue<bool>());
        }

        return socket;
    }

    public long NextId() => ++_nextId;

    /// <summary>Sends a command with the next id and returns its result message (events before it stay queued).</summary>
    public async Task<JsonObject> CommandAsync(JsonObject command)
    {
        var id = NextId();
        command["id"] = id;
        await SendRawAsync(command);
        return await ReceiveUntilAsync(m => m["type"]!.GetValue<string>() is "result" or "pong" && m["id"]!.GetValue<long>() == id);
    }

    public async Task SendRawAsync(JsonObject message)
    {
        using var limit = new CancellationTokenSource(ReceiveTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, limit.Token);
    }

    public async Task<JsonObject> ReceiveUntilAsync(Func<JsonObject, bool> match)
    {
        var skipped = new List<JsonObject>();
        while (true)
        {
            var message = await ReceiveAsync();
            if (match(message))
            {
                foreach (var other in skipped)
                {
                    _pending.Enqueue(other);
                }

                return message;
            }

            skipped.Add(message);
        }
    }

    public async Task<JsonObject> ReceiveAsync()
    {
        if (_pending.Count > 0)
        {
            return _pending.Dequeue();
        }

        var frame = await ReceiveFrameAsync() ?? throw new WebSocketException("The server closed the connection.");
        if (frame is JsonArray array)
        {
            ArrayFrames++;
            foreach (var item in array.Skip(1))
            {
                _pending.Enqueue(item!.AsObject());
            }

            return array[0]!.AsObject();
        }

        return frame.AsObject();
    }

    /// <summary>The next frame's JSON, or null when the server closes the connection.</summary>
    public async Task<JsonNode?> ReceiveFrameAsync()
    {
        using var limit = new CancellationTokenSource(ReceiveTimeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, limit.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return JsonNode.Parse(message.ToArray());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, limit.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Closing a dropped connection: nothing to do.
            }
        }

        _socket.Dispose();
    }
}
