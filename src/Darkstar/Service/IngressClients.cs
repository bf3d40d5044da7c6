using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Darkstar.Service;

/// <summary>
/// Who may talk to the add-on's web port. It listens on every address of the container so that the Supervisor's
/// ingress proxy reaches it; any other host on the network is closed out at once, before a byte of HTTP.
/// </summary>
public static class IngressClients
{
    /// <summary>The Supervisor's address on the add-ons' network: every ingress request comes from it.</summary>
    public static readonly IPAddress Supervisor = IPAddress.Parse("172.30.32.2");

    /// <summary>
    /// The Supervisor, or the container itself (its HEALTHCHECK, on 127.0.0.1). Only the loopback address itself: another
    /// address of 127.0.0.0/8 is another local program's choice, not the health check's.
    /// </summary>
    public static bool Allows(IPAddress? remote)
    {
        if (remote is null)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback) || address.Equals(Supervisor);
    }

    public static ListenOptions AcceptIngressOnly(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            if (Allows((connection.RemoteEndPoint as IPEndPoint)?.Address))
            {
                return next(connection);
            }

            connection.Abort();
            return Task.CompletedTask;
        });
        return listen;
    }
}
