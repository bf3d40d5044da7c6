using System.Net;
using System.Net.Sockets;
using System.Text;
using Darkstar.HomeAssistant.Protocol;
using Darkstar.HomeAssistant.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.HomeAssistant.Tests;

/// <summary>home_assistant.url pointing at something that is not Home Assistant: the error says what answered.</summary>
public sealed class NotHomeAssistantTests
{
    [Theory]
    [InlineData("web server", "answered as a web server, but not as Home Assistant's WebSocket API")]
    [InlineData("broker", "answered, but not in HTTP")]
    [InlineData("nothing", "nothing listens on")]
    public async Task Open_SomethingElseAtTheUrl_SaysWhatAnsweredAndWhichOptionToCheck(string what, string expected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task? serving = null;
        if (what == "nothing")
        {
            listener.Stop();
        }
        else
        {
            // One answer to the one connection: a plain web page, or bytes of another protocol (an MQTT CONNACK).
            var answer = what == "web server"
                ? Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                : [0x20, 0x02, 0x00, 0x05];
            serving = Task.Run(async () =>
            {
                using var socket = await listener.AcceptSocketAsync();
                var request = new byte[4096];
                await socket.ReceiveAsync(request);
                await socket.SendAsync(answer);
                socket.Shutdown(SocketShutdown.Both);
            });
        }

        var settings = HomeAssistantConnectionSettings.ForStandalone(new Uri($"http://127.0.0.1:{port}"), "a-token") with { AuthTimeout = TestSupport.Patience };

        var error = await Assert.ThrowsAsync<HomeAssistantConnectionLostException>(
            () => HomeAssistantSession.OpenAsync(settings, new CommandIdSource(), TimeProvider.System, NullLogger.Instance, CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("home_assistant.url", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to connect to the remote server", error.Message, StringComparison.Ordinal);
        if (serving is not null)
        {
            await serving;
        }
    }
}
