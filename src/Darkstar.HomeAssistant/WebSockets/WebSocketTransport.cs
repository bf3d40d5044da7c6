using System.Buffers;
using System.Net.WebSockets;

namespace Darkstar.HomeAssistant.WebSockets;

/// <summary>
/// The transport layer: whole text frames over one <see cref="System.Net.WebSockets.WebSocket"/>. One reader
/// and one writer at a time, which <see cref="HomeAssistantSession"/> guarantees.
/// </summary>
internal sealed class WebSocketTransport : IDisposable
{
    // get_states on a large home is a few MB; anything near this is not Home Assistant.
    private const int MaxFrameBytes = 64 * 1024 * 1024;

    private readonly System.Net.WebSockets.WebSocket _socket;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    internal WebSocketTransport(System.Net.WebSockets.WebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public static async Task<WebSocketTransport> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // Liveness is the application-level ping, which also proves Home Assistant's event loop answers.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            return new WebSocketTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next whole frame, valid until the next call; null when the peer closed the socket.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.GetMemory(16 * 1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _buffer.Advance(result.Count);
            if (_buffer.WrittenCount > MaxFrameBytes)
            {
                throw new HomeAssistantProtocolException($"Home Assistant sent a frame larger than {MaxFrameBytes / (1024 * 1024)} MB.");
            }

            if (result.EndOfMessage)
            {
                return _buffer.WrittenMemory;
            }
        }
    }

    /// <summary>Sends one whole text frame. Cancelling a send aborts the socket, so pass the connection's token, not a caller's.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Sends a close frame when the socket is still open; a failure only means it is already gone.</summary>
    public async Task CloseOutputAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", cancellationToken);
        }
        catch (WebSocketException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Abort() => _socket.Abort();

    public void Dispose() => _socket.Dispose();
}
