using System.Threading.Channels;

namespace Darkstar.HomeAssistant.WebSockets;

/// <summary>
/// A live subscription. Read it through <see cref="Reader"/> or <see cref="ReadAllAsync"/>; it survives
/// reconnects. Disposing it unsubscribes. When the client stops for good (a refused token), reading throws
/// the reason.
/// </summary>
public sealed class HomeAssistantSubscription<T> : IAsyncDisposable
{
    private readonly Func<ValueTask> _unsubscribe;
    private int _disposed;

    internal HomeAssistantSubscription(ChannelReader<T> reader, Func<ValueTask> unsubscribe)
    {
        Reader = reader;
        _unsubscribe = unsubscribe;
    }

    public ChannelReader<T> Reader { get; }

    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => Reader.ReadAllAsync(cancellationToken);

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _unsubscribe() : ValueTask.CompletedTask;
}
