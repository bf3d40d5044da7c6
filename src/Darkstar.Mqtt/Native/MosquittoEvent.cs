namespace Darkstar.Mqtt.Native;

/// <summary>What libmosquitto's network thread reported, copied out of its callback so the callback returns at once.</summary>
internal abstract record MosquittoEvent
{
    /// <summary>A CONNACK arrived; <see cref="ReturnCode"/> 0 means accepted.</summary>
    public sealed record Connected(int ReturnCode) : MosquittoEvent;

    /// <summary>The connection ended; <see cref="ReturnCode"/> 0 means we asked for it.</summary>
    public sealed record Disconnected(int ReturnCode) : MosquittoEvent;

    /// <summary>The broker acknowledged a QoS 1 publish (or a QoS 0 publish went out).</summary>
    public sealed record Published(int MessageId) : MosquittoEvent;

    public sealed record MessageReceived(string Topic, byte[] Payload, bool Retained) : MosquittoEvent;
}
