namespace Darkstar.HomeAssistant.Protocol;

/// <summary>
/// Message ids for WebSocket commands. Home Assistant requires them to increase on a connection; one
/// source per client keeps them increasing across reconnects too, so a late result of a dead connection
/// can never be mistaken for one of the new connection.
/// </summary>
internal sealed class CommandIdSource
{
    private long _last;

    public long Next() => Interlocked.Increment(ref _last);

    public long Last => Interlocked.Read(ref _last);
}
