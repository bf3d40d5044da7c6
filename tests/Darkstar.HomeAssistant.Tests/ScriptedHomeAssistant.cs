using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Darkstar.HomeAssistant.Tests;

/// <summary>
/// A minimal Home Assistant for tests: Kestrel on a random loopback port, with a script per WebSocket
/// connection and optional REST endpoints. It speaks just enough of the protocol for the test at hand.
/// </summary>
internal sealed class ScriptedHomeAssistant : IAsyncDisposable
{
    public const string Token = "test-token-5f2c";

    private readonly WebApplication _app;
    private int _connections;

    private ScriptedHomeAssistant(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>WebSocket connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>Standalone settings for this peer, with short reconnect delays.</summary>
    public HomeAssistantConnectionSettings Settings(string token = Token) =>
        HomeAssistantConnectionSettings.ForStandalone(BaseUri, token) with
        {
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            CommandTimeout = TimeSpan.FromSeconds(20),
        };

    /// <param name="script">Runs once per WebSocket connection with its number (1, 2, ...); the socket ends when it returns.</param>
    public static async Task<ScriptedHomeAssistant> StartAsync(Func<PeerConnection, int, Task>? script, Action<WebApplication>? rest = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ScriptedHomeAssistant? peer = null;
        app.UseWebSockets();
        app.Map("/api/websocket", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest || script is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            var number = Interlocked.Increment(ref peer!._connections);
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            using var connection = new PeerConnection(socket, context);
            await script(connection, number);
        });
        rest?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        peer = new ScriptedHomeAssistant(app, new Uri(address));
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One WebSocket connection seen from the Home Assistant side.</summary>
internal sealed class PeerConnection(WebSocket socket, HttpContext context) : IDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public async Task SendAsync(JsonNode message)
    {
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next message, or null when the client closed or the socket broke.</summary>
    public async Task<JsonObject?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                frame.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return JsonNode.Parse(frame.ToArray())!.AsObject();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    /// <summary>auth_required, then auth_ok when the client sends <paramref name="expectedToken"/>, else auth_invalid.</summary>
    public async Task<bool> AuthenticateAsync(string expectedToken = ScriptedHomeAssistant.Token)
    {
        await SendAsync(new JsonObject { ["type"] = "auth_required", ["ha_version"] = "2025.11.0" });
        var auth = await ReceiveAsync();
        if (auth?["type"]?.GetValue<string>() == "auth" && auth["access_token"]?.GetValue<string>() == expectedToken)
        {
            await SendAsync(new JsonObject { ["type"] = "auth_ok", ["ha_version"] = "2025.11.0" });
            return true;
        }

        await SendAsync(new JsonObject { ["type"] = "auth_invalid", ["message"] = "Invalid access token or password" });
        return false;
    }

    /// <summary>
    /// Answers supported_features and ping itself (unless <paramref name="answerPings"/> is false) and gives
    /// every other message to <paramref name="handle"/>; returns when the client goes or the handler returns false.
    /// </summary>
    public async Task ServeAsync(Func<JsonObject, Task<bool>> handle, bool answerPings = true)
    {
        while (await ReceiveAsync() is { } message)
        {
            var id = message["id"]?.GetValue<long>() ?? 0;
            switch (message["type"]?.GetValue<string>())
            {
                case "supported_features":
                    await ResultAsync(id, null);
                    continue;
                case "ping":
                    if (answerPings)
                    {
                        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "pong" });
                    }

                    continue;
            }

            if (!await handle(message))
            {
                return;
            }
        }
    }

    public Task ResultAsync(long id, JsonNode? result) =>
        SendAsync(new JsonObject { ["id"] = id, ["type"] = "result", ["success"] = true, ["result"] = result });

    public Task ErrorAsync(long id, string code, string message) =>
        SendAsync(new JsonObject
        {
            ["id"] = id,
            ["type"] = "result",
            ["success"] = false,
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        });

    public static JsonObject Event(long subscriptionId, JsonNode payload) =>
        new() { ["id"] = subscriptionId, ["type"] = "event", ["event"] = payload };

    /// <summary>A graceful close from the server's side, as when Home Assistant restarts.</summary>
    public async Task CloseAsync()
    {
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "restarting", CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
    }

    /// <summary>Drops the TCP connection without a close frame, as a network failure does.</summary>
    public void Abort() => context.Abort();

    public void Dispose() => _sendLock.Dispose();
}
