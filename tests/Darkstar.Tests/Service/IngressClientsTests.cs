using System.Net;
using Darkstar.Cli;
using Darkstar.Service;
using Darkstar.Testing;

namespace Darkstar.Tests.Service;

/// <summary>The add-on's web port: the port Home Assistant's ingress uses, reachable from the Supervisor and the container alone.</summary>
public sealed class IngressClientsTests
{
    [Theory]
    [InlineData("172.30.32.2", true)]
    [InlineData("::ffff:172.30.32.2", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("127.1.2.3", false)]
    [InlineData("172.30.32.1", false)]
    [InlineData("172.30.33.2", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("::ffff:192.168.1.20", false)]
    [InlineData("fe80::1", false)]
    public void Allows_OnlyTheSupervisorAndLoopback(string address, bool allowed)
    {
        Assert.Equal(allowed, IngressClients.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public void Allows_NoUnknownPeer()
    {
        Assert.False(IngressClients.Allows(null));
    }

    [Fact]
    public void IngressPort_IsTheOneTheServiceAndTheHealthCheckUse()
    {
        // config.yaml leaves ingress_port at the Supervisor's default (the linter forbids writing a default).
        var manifest = File.ReadAllLines(RepositoryRoot.File("config.yaml"));
        var written = manifest.SingleOrDefault(line => line.StartsWith("ingress_port:", StringComparison.Ordinal));
        var ingressPort = written is null ? 8099 : int.Parse(written["ingress_port:".Length..], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(ServeCommand.IngressPort, ingressPort);
        Assert.Contains($"/dev/tcp/127.0.0.1/{ServeCommand.IngressPort}", File.ReadAllText(RepositoryRoot.File("Dockerfile")), StringComparison.Ordinal);
    }
}
