using System.Text;

namespace Darkstar.Mqtt;

/// <summary>A message for the broker. States and configs go at QoS 1; configs and availability are retained.</summary>
public sealed record MqttOutgoingMessage(string Topic, byte[] Payload, bool Retain, int Qos = 1)
{
    public static MqttOutgoingMessage Text(string topic, string payload, bool retain) =>
        new(topic, Encoding.UTF8.GetBytes(payload), retain);
}

/// <summary>A message from the broker on one of the connection's subscriptions.</summary>
public sealed record MqttIncomingMessage(string Topic, byte[] Payload, bool Retained)
{
    public string PayloadText => Encoding.UTF8.GetString(Payload);
}
