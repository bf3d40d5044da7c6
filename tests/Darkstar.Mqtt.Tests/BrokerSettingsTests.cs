using Darkstar.Core.Options;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;

namespace Darkstar.Mqtt.Tests;

public sealed class BrokerSettingsTests
{
    [Fact]
    public async Task ResolveAsync_AddOnWithoutHost_ReadsTheSupervisorsMqttService()
    {
        await using var home = new SimulatedHome(new SimulatedHomeOptions
        {
            ClockMode = SimulationClockMode.Stepped,
            Start = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero),
            MqttHost = "core-mosquitto",
            MqttPort = 1884,
        });
        await home.StartAsync(CancellationToken.None);
        using var http = new HttpClient();

        var settings = await MqttBrokerSettingsResolver.ResolveAsync(new MqttOptions(), home.Token, http, CancellationToken.None, home.BaseUri);

        Assert.Equal("core-mosquitto", settings.Host);
        Assert.Equal(1884, settings.Port);
        Assert.Equal("addons", settings.Username);
        Assert.Equal(home.Options.MqttPassword, settings.Password);
        Assert.Equal("darkstar/status", settings.AvailabilityTopic);
        Assert.DoesNotContain(home.Options.MqttPassword, settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_HostInOptions_UsesTheOptionsWithoutTheSupervisor()
    {
        using var http = new HttpClient();
        var options = new MqttOptions { Host = "broker.lan", Port = 8883, Username = "u", Password = "p", Tls = true, TopicBase = "ds" };

        var settings = await MqttBrokerSettingsResolver.ResolveAsync(options, supervisorToken: null, http, CancellationToken.None);

        Assert.Equal(("broker.lan", 8883, "u", "p", true, "ds/status"),
            (settings.Host, settings.Port, settings.Username, settings.Password, settings.UseTls, settings.AvailabilityTopic));
    }

    [Fact]
    public async Task ResolveAsync_NoHostOutsideTheAddOn_SaysWhatToSet()
    {
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<MqttConfigurationException>(
            () => MqttBrokerSettingsResolver.ResolveAsync(new MqttOptions(), supervisorToken: null, http, CancellationToken.None));

        Assert.Contains("mqtt.host", error.Message, StringComparison.Ordinal);
    }
}
