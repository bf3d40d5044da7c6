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
    private readonly Func<CancellationToken, Task> _flush;
    private int _disposed;

    internal HomeAssistantSubscription(ChannelReader<T> reader, Func<ValueTask> unsubscribe, Func<CancellationToken, Task> flush)
    {
        Reader = reader;
        _unsubscribe = unsubscribe;
        _flush = flush;
    }

    public ChannelReader<T> Reader { get; }

    /// <summary>
    /// Completes once every event the client had received when called can be read from <see cref="Reader"/>. After a
    /// <see cref="HomeAssistantWebSocketClient.PingAsync"/> this is a barrier: Home Assistant answers in order, so
    /// every event it sent before the pong is then readable.
    /// </summary>
    public Task WaitUntilReceivedReadableAsync(CancellationToken cancellationToken) => _flush(cancellationToken);

    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => Reader.ReadAllAsync(cancellationToken);

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _unsubscribe() : ValueTask.CompletedTask;
}
