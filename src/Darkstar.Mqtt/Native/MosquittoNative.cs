using System.Runtime.InteropServices;

namespace Darkstar.Mqtt.Native;

/// <summary>
/// The part of libmosquitto 2.0's C API (mosquitto.h) that Darkstar uses. The library name is resolved to
/// the versioned file <c>libmosquitto.so.1</c> by <see cref="MosquittoLibrary"/>; call
/// <see cref="MosquittoLibrary.EnsureInitialised"/> before any of these.
/// </summary>
internal static partial class MosquittoNative
{
    public const string LibraryName = "mosquitto";

    // enum mosq_err_t
    public const int Success = 0;
    public const int ErrorNoConnection = 4;
    public const int ErrorErrno = 14;

    // enum mosq_opt_t and the protocol versions it takes.
    public const int OptionProtocolVersion = 1;
    public const int ProtocolVersion311 = 4;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void ConnectCallback(IntPtr mosq, IntPtr userData, int returnCode);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void DisconnectCallback(IntPtr mosq, IntPtr userData, int returnCode);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void PublishCallback(IntPtr mosq, IntPtr userData, int messageId);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void MessageCallback(IntPtr mosq, IntPtr userData, IntPtr message);

    /// <summary><c>struct mosquitto_message</c>: valid only for the duration of the message callback.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int MessageId;
        public IntPtr Topic;
        public IntPtr Payload;
        public int PayloadLength;
        public int Qos;
        public byte Retain;
    }

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_lib_init")]
    public static partial int LibInit();

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_lib_version")]
    public static partial int LibVersion(out int major, out int minor, out int revision);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_new", StringMarshalling = StringMarshalling.Utf8)]
    public static partial MosquittoHandle New(string clientId, [MarshalAs(UnmanagedType.U1)] bool cleanSession, IntPtr userData);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_destroy")]
    public static partial void Destroy(IntPtr mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_int_option")]
    public static partial int IntOption(MosquittoHandle mosq, int option, int value);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UsernamePasswordSet(MosquittoHandle mosq, string? username, string? password);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_will_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int WillSet(
        MosquittoHandle mosq, string topic, int payloadLength, ReadOnlySpan<byte> payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TlsSet(MosquittoHandle mosq, string? caFile, string? caPath, string? certFile, string? keyFile, IntPtr passwordCallback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_reconnect_delay_set")]
    public static partial int ReconnectDelaySet(
        MosquittoHandle mosq, uint reconnectDelay, uint reconnectDelayMax, [MarshalAs(UnmanagedType.U1)] bool exponentialBackoff);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_connect_async", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConnectAsync(MosquittoHandle mosq, string host, int port, int keepAlive);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_disconnect")]
    public static partial int Disconnect(MosquittoHandle mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_start")]
    public static partial int LoopStart(MosquittoHandle mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_stop")]
    public static partial int LoopStop(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool force);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_publish", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Publish(
        MosquittoHandle mosq, out int messageId, string topic, int payloadLength, ReadOnlySpan<byte> payload, int qos,
        [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_subscribe", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Subscribe(MosquittoHandle mosq, out int messageId, string topicFilter, int qos);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_connect_callback_set")]
    public static partial void ConnectCallbackSet(MosquittoHandle mosq, IntPtr callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_disconnect_callback_set")]
    public static partial void DisconnectCallbackSet(MosquittoHandle mosq, IntPtr callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_publish_callback_set")]
    public static partial void PublishCallbackSet(MosquittoHandle mosq, IntPtr callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_message_callback_set")]
    public static partial void MessageCallbackSet(MosquittoHandle mosq, IntPtr callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_strerror")]
    public static partial IntPtr StrError(int errorCode);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_connack_string")]
    public static partial IntPtr ConnackString(int connackCode);
}
