using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Darkstar.Mqtt.Native;

/// <summary>
/// One libmosquitto client: owns the handle, keeps the callback delegates alive as long as the handle, and turns
/// every callback into a <see cref="MosquittoEvent"/> on <see cref="Events"/>. Callbacks run on libmosquitto's own
/// thread (<c>mosquitto_loop_start</c>): they copy what they need, write to an unbounded channel and never throw.
/// Not thread-safe for configuration; <see cref="Publish"/> and <see cref="Subscribe"/> may be called from any thread
/// (libmosquitto locks internally).
/// </summary>
internal sealed class MosquittoClient : IDisposable
{
    private readonly MosquittoHandle _handle;
    private readonly ILogger _logger;
    private readonly Channel<MosquittoEvent> _events = Channel.CreateUnbounded<MosquittoEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    // Rooted here for the lifetime of the handle: libmosquitto holds only the function pointers.
    private readonly MosquittoNative.ConnectCallback _onConnect;
    private readonly MosquittoNative.DisconnectCallback _onDisconnect;
    private readonly MosquittoNative.PublishCallback _onPublish;
    private readonly MosquittoNative.MessageCallback _onMessage;
    private bool _loopStarted;
    private bool _disposed;

    public MosquittoClient(string clientId, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        _logger = logger;
        MosquittoLibrary.EnsureInitialised();
        _handle = MosquittoNative.New(clientId, cleanSession: true, IntPtr.Zero);
        if (_handle.IsInvalid)
        {
            _handle.Dispose();
            throw new MqttException($"libmosquitto could not create a client '{clientId}' (out of memory or an invalid client id).");
        }

        _onConnect = OnConnect;
        _onDisconnect = OnDisconnect;
        _onPublish = OnPublish;
        _onMessage = OnMessage;
        MosquittoNative.ConnectCallbackSet(_handle, Marshal.GetFunctionPointerForDelegate(_onConnect));
        MosquittoNative.DisconnectCallbackSet(_handle, Marshal.GetFunctionPointerForDelegate(_onDisconnect));
        MosquittoNative.PublishCallbackSet(_handle, Marshal.GetFunctionPointerForDelegate(_onPublish));
        MosquittoNative.MessageCallbackSet(_handle, Marshal.GetFunctionPointerForDelegate(_onMessage));
        Check(MosquittoNative.IntOption(_handle, MosquittoNative.OptionProtocolVersion, MosquittoNative.ProtocolVersion311), "set MQTT 3.1.1");
    }

    public ChannelReader<MosquittoEvent> Events => _events.Reader;

    public void SetCredentials(string? username, string? password) =>
        Check(MosquittoNative.UsernamePasswordSet(_handle, username, password), "set the username and password");

    public void SetWill(string topic, string payload, int qos, bool retain)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        Check(MosquittoNative.WillSet(_handle, topic, bytes.Length, bytes, qos, retain), "set the last will");
    }

    /// <summary>TLS with <paramref name="caFile"/>, or with the system's CAs (<paramref name="caPath"/>) when no file is given.</summary>
    public void SetTls(string? caFile, string? caPath) =>
        Check(MosquittoNative.TlsSet(_handle, caFile, caFile is null ? caPath : null, null, null, IntPtr.Zero), "set up TLS");

    public void SetReconnectDelay(TimeSpan minimum, TimeSpan maximum)
    {
        var min = (uint)Math.Max(1, Math.Round(minimum.TotalSeconds));
        var max = (uint)Math.Max(min, Math.Round(maximum.TotalSeconds));
        Check(MosquittoNative.ReconnectDelaySet(_handle, min, max, exponentialBackoff: true), "set the reconnect delay");
    }

    /// <summary>
    /// Opens the TCP connection and sends CONNECT without waiting for the answer. False when the broker cannot be
    /// reached now (refused, unreachable): try again later. Anything else (an unresolvable host, bad arguments) throws.
    /// </summary>
    public bool TryConnect(string host, int port, TimeSpan keepAlive)
    {
        var rc = MosquittoNative.ConnectAsync(_handle, host, port, (int)keepAlive.TotalSeconds);
        if (rc == MosquittoNative.Success)
        {
            return true;
        }

        if (rc == MosquittoNative.ErrorErrno || rc == MosquittoNative.ErrorNoConnection)
        {
            _logger.LogInformation("The MQTT broker at {Host}:{Port} is not reachable ({Reason})", host, port, MosquittoLibrary.ErrorText(rc));
            return false;
        }

        throw new MqttException($"Cannot connect to the MQTT broker at {host}:{port}: {MosquittoLibrary.ErrorText(rc)}.");
    }

    /// <summary>
    /// Starts the network thread once a first connection is under way; from then on it reconnects by itself with
    /// the configured backoff whenever the connection drops.
    /// </summary>
    public void StartLoop()
    {
        Check(MosquittoNative.LoopStart(_handle), "start the network thread");
        _loopStarted = true;
    }

    /// <summary>Hands a message to libmosquitto; returns its message id, or null when there is no connection to send it on.</summary>
    public int? Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain)
    {
        var rc = MosquittoNative.Publish(_handle, out var messageId, topic, payload.Length, payload, qos, retain);
        if (rc == MosquittoNative.ErrorNoConnection || rc == MosquittoNative.ErrorErrno)
        {
            return null;
        }

        Check(rc, $"publish on {topic}");
        return messageId;
    }

    /// <summary>Subscribes; false when there is no connection (subscriptions are restored on every connect anyway).</summary>
    public bool Subscribe(string topicFilter, int qos)
    {
        var rc = MosquittoNative.Subscribe(_handle, out _, topicFilter, qos);
        if (rc == MosquittoNative.ErrorNoConnection || rc == MosquittoNative.ErrorErrno)
        {
            return false;
        }

        Check(rc, $"subscribe to {topicFilter}");
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_loopStarted)
        {
            // A DISCONNECT (when connected) and the disconnecting state make the network thread leave its loop,
            // even from a reconnect pause; then it is joined, so no callback can run once the handle is gone.
            MosquittoNative.Disconnect(_handle);
            MosquittoNative.LoopStop(_handle, force: false);
        }

        _handle.Dispose();
        _events.Writer.TryComplete();
    }

    private static void Check(int rc, string what)
    {
        if (rc != MosquittoNative.Success)
        {
            throw new MqttException($"libmosquitto could not {what}: {MosquittoLibrary.ErrorText(rc)}.");
        }
    }

    private void OnConnect(IntPtr mosq, IntPtr userData, int returnCode)
    {
        try
        {
            _events.Writer.TryWrite(new MosquittoEvent.Connected(returnCode));
        }
        catch (Exception e)
        {
            // An exception must never unwind into libmosquitto's C frames.
            _logger.LogError(e, "The MQTT connect callback failed");
        }
    }

    private void OnDisconnect(IntPtr mosq, IntPtr userData, int returnCode)
    {
        try
        {
            _events.Writer.TryWrite(new MosquittoEvent.Disconnected(returnCode));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The MQTT disconnect callback failed");
        }
    }

    private void OnPublish(IntPtr mosq, IntPtr userData, int messageId)
    {
        try
        {
            _events.Writer.TryWrite(new MosquittoEvent.Published(messageId));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The MQTT publish callback failed");
        }
    }

    private unsafe void OnMessage(IntPtr mosq, IntPtr userData, IntPtr message)
    {
        try
        {
            // The message and its buffers belong to libmosquitto and are freed when this callback returns: copy now.
            ref readonly var native = ref *(MosquittoNative.Message*)message;
            var topic = Marshal.PtrToStringUTF8(native.Topic) ?? string.Empty;
            var payload = native.PayloadLength > 0
                ? new ReadOnlySpan<byte>((void*)native.Payload, native.PayloadLength).ToArray()
                : [];
            _events.Writer.TryWrite(new MosquittoEvent.MessageReceived(topic, payload, native.Retain != 0));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The MQTT message callback failed");
        }
    }
}
