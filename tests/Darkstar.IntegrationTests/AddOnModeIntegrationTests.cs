using Darkstar.HomeAssistant;

namespace Darkstar.IntegrationTests;

/// <summary>The add-on's way in: the Supervisor's <c>/core/api</c> and <c>/core/websocket</c> proxy paths.</summary>
public sealed class AddOnModeIntegrationTests
{
    [Fact]
    public async Task AddOnSettings_SupervisorPaths_RestAndWebSocketReadTheSameStates()
    {
        await using var test = await IntegrationHome.StartAsync();
        var settings = test.AddOnSettings();

        var restStates = await test.Rest(settings: settings).GetStatesAsync(CancellationToken.None);
        var socket = await test.ConnectedSocketAsync(settings: settings);
        var socketStates = await socket.GetStatesAsync(CancellationToken.None);

        Assert.Equal(HomeAssistantConnectionMode.AddOn, settings.Mode);
        Assert.EndsWith("/core/websocket", settings.WebSocketUri.AbsolutePath, StringComparison.Ordinal);
        Assert.EndsWith("/core/api/", settings.RestBaseUri.AbsolutePath, StringComparison.Ordinal);
        Assert.NotEmpty(restStates);
        Assert.Equal(
            restStates.Select(s => (s.EntityId, s.State)).Order(),
            socketStates.Select(s => (s.EntityId, s.State)).Order());
    }
}
