using System.Net.Http.Headers;
using System.Text.Json;
using Darkstar.Core.Options;
using Darkstar.Mqtt.Discovery;

namespace Darkstar.Mqtt;

/// <summary>
/// Finds the broker: <c>mqtt.host</c> (with <c>mqtt.port/username/password/tls</c>) when the options set one, else,
/// inside the add-on, the Mosquitto add-on the Supervisor's MQTT service names (<c>GET /services/mqtt</c>).
/// </summary>
public static class MqttBrokerSettingsResolver
{
    public static readonly Uri SupervisorBaseUri = new("http://supervisor/");

    public static async Task<MqttConnectionSettings> ResolveAsync(
        MqttOptions options, string? supervisorToken, HttpClient http, CancellationToken cancellationToken, Uri? supervisorBaseUri = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        var availability = new DarkstarTopics(options.DiscoveryPrefix, options.TopicBase).Availability;
        if (!string.IsNullOrWhiteSpace(options.Host))
        {
            return new MqttConnectionSettings
            {
                Host = options.Host,
                Port = options.Port,
                Username = options.Username,
                Password = options.Password,
                UseTls = options.Tls,
                AvailabilityTopic = availability,
            };
        }

        if (string.IsNullOrWhiteSpace(supervisorToken))
        {
            throw new MqttConfigurationException(
                $"mqtt.host is not set and {OptionsContext.SupervisorTokenVariable} is absent: outside the add-on, set mqtt.host (and mqtt.username, mqtt.password).");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(supervisorBaseUri ?? SupervisorBaseUri, "services/mqtt"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", supervisorToken.Trim());
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new MqttConfigurationException(
                $"The Supervisor has no MQTT service for Darkstar (HTTP {(int)response.StatusCode}): install the Mosquitto broker add-on, or set mqtt.host.");
        }

        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = json.RootElement;
        if (!root.TryGetProperty("result", out var result) || result.GetString() != "ok" || !root.TryGetProperty("data", out var data))
        {
            throw new MqttConfigurationException("The Supervisor's MQTT service answered without broker data: install the Mosquitto broker add-on, or set mqtt.host.");
        }

        return new MqttConnectionSettings
        {
            Host = data.GetProperty("host").GetString() ?? throw new MqttConfigurationException("The Supervisor's MQTT service named no host."),
            Port = data.TryGetProperty("port", out var port) ? port.GetInt32() : 1883,
            Username = Text(data, "username"),
            Password = Text(data, "password"),
            UseTls = data.TryGetProperty("ssl", out var ssl) && ssl.ValueKind == JsonValueKind.True,
            AvailabilityTopic = availability,
        };
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
