using System.Text.Json.Nodes;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.HomeAssistant.Tests;

public class SettingsAndServiceCallTests
{
    [Fact]
    public void FromOptions_NoUrlWithSupervisorToken_UsesTheSupervisorProxy()
    {
        var settings = HomeAssistantConnectionSettings.FromOptions(new HomeAssistantOptions(), "supervisor-secret");

        Assert.Equal(HomeAssistantConnectionMode.AddOn, settings.Mode);
        Assert.Equal("http://supervisor/core/api/", settings.RestBaseUri.AbsoluteUri);
        Assert.Equal("ws://supervisor/core/websocket", settings.WebSocketUri.AbsoluteUri);
        Assert.Equal("supervisor-secret", settings.AccessToken);
    }

    [Theory]
    [InlineData("http://homeassistant.local:8123", "http://homeassistant.local:8123/api/", "ws://homeassistant.local:8123/api/websocket")]
    [InlineData("https://ha.example.org/", "https://ha.example.org/api/", "wss://ha.example.org/api/websocket")]
    [InlineData("https://proxy.example.org/ha", "https://proxy.example.org/ha/api/", "wss://proxy.example.org/ha/api/websocket")]
    public void FromOptions_Url_BuildsRestAndWebSocketEndpoints(string url, string rest, string webSocket)
    {
        var settings = HomeAssistantConnectionSettings.FromOptions(new HomeAssistantOptions { Url = url, Token = "long-lived" }, supervisorToken: "ignored");

        Assert.Equal(HomeAssistantConnectionMode.Standalone, settings.Mode);
        Assert.Equal(rest, settings.RestBaseUri.AbsoluteUri);
        Assert.Equal(webSocket, settings.WebSocketUri.AbsoluteUri);
        Assert.Equal("long-lived", settings.AccessToken);
    }

    [Fact]
    public void FromOptions_UrlWithoutToken_NamesTheOption()
    {
        var error = Assert.Throws<HomeAssistantConfigurationException>(() =>
            HomeAssistantConnectionSettings.FromOptions(new HomeAssistantOptions { Url = "http://ha:8123" }, null));

        Assert.Contains("home_assistant.token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOptions_NothingConfigured_NamesUrlAndSupervisorToken()
    {
        var error = Assert.Throws<HomeAssistantConfigurationException>(() =>
            HomeAssistantConnectionSettings.FromOptions(new HomeAssistantOptions(), null));

        Assert.Contains("home_assistant.url", error.Message, StringComparison.Ordinal);
        Assert.Contains("SUPERVISOR_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Settings_MasksTheToken()
    {
        var settings = HomeAssistantConnectionSettings.ForStandalone(new Uri("http://ha:8123"), "very-secret-token");

        Assert.DoesNotContain("very-secret-token", settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", $"{settings with { CommandTimeout = TimeSpan.FromSeconds(1) }}", StringComparison.Ordinal);
    }

    [Fact]
    public void AuthenticationError_Standalone_SaysWhatToDo()
    {
        var error = HomeAssistantAuthenticationException.For(HomeAssistantConnectionMode.Standalone, "Invalid access token or password");

        Assert.Contains("long-lived access token", error.Message, StringComparison.Ordinal);
        Assert.Contains("home_assistant.token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWebSocketCommand_CallWithTargetAndResponse_WritesEveryField()
    {
        var call = new ServiceCall("select", "select_option", new JsonObject { ["option"] = "charge" }, ServiceTarget.Entity("select.work_mode"), ReturnResponse: true);

        var command = call.ToWebSocketCommand();

        Assert.Equal("call_service", command["type"]!.GetValue<string>());
        Assert.Equal("select", command["domain"]!.GetValue<string>());
        Assert.Equal("select_option", command["service"]!.GetValue<string>());
        Assert.Equal("charge", command["service_data"]!["option"]!.GetValue<string>());
        Assert.Equal("select.work_mode", command["target"]!["entity_id"]![0]!.GetValue<string>());
        Assert.True(command["return_response"]!.GetValue<bool>());
        Assert.False(call.ServiceData!.ContainsKey("entity_id"));
    }

    [Fact]
    public void ToRestBody_CallWithTarget_PutsIdsBesideTheData()
    {
        var body = new ServiceCall("number", "set_value", new JsonObject { ["value"] = 2500 }, ServiceTarget.Entity("number.max_charge")).ToRestBody();

        Assert.Equal(2500, body["value"]!.GetValue<int>());
        Assert.Equal("number.max_charge", body["entity_id"]![0]!.GetValue<string>());
    }

    [Fact]
    public void ParseRest_ReturnResponseBody_ReadsChangedStatesAndResponse()
    {
        var result = ServiceCallResult.ParseRest(TestSupport.Parse("""
            {"changed_states":[{"entity_id":"select.work_mode","state":"charge","attributes":{},"last_changed":"2026-01-01T00:00:00Z","last_updated":"2026-01-01T00:00:00Z"}],
             "service_response":{"prices":[1,2]}}
            """));

        Assert.Equal("charge", Assert.Single(result.ChangedStates).State);
        Assert.Equal(2, result.Response!.Value.GetProperty("prices").GetArrayLength());
    }

    [Fact]
    public void ParseRest_PlainArray_ReadsChangedStatesOnly()
    {
        var result = ServiceCallResult.ParseRest(TestSupport.Parse("""[{"entity_id":"switch.a","state":"on","last_changed":"2026-01-01T00:00:00Z"}]"""));

        Assert.Single(result.ChangedStates);
        Assert.Null(result.Response);
    }
}
