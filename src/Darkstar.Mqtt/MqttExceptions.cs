namespace Darkstar.Mqtt;

/// <summary>Something about MQTT failed in a way the caller can report: the message says what and what to do.</summary>
public class MqttException : Exception
{
    public MqttException()
    {
    }

    public MqttException(string message)
        : base(message)
    {
    }

    public MqttException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The broker settings cannot be used (a bad option, the Supervisor has no MQTT service).</summary>
public sealed class MqttConfigurationException : MqttException
{
    public MqttConfigurationException()
    {
    }

    public MqttConfigurationException(string message)
        : base(message)
    {
    }

    public MqttConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
