using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Storage;

/// <summary>A change of the manual blocks: <paramref name="Ended"/> when blocks were only removed because they ended.</summary>
public sealed record ManualBlocksChange(bool Ended);

/// <summary>What a request to add a block came to: the stored block, or why it was refused.</summary>
public sealed record ManualBlockResult(ManualBlock? Block, string? Error);

/// <summary>
/// The one way the service changes the user's manual blocks, whoever asks (the web UI's <c>api/blocks</c>, the MQTT
/// command): each new block checked against the rules and the blocks in force (<see cref="ManualBlockRules"/>) and stored
/// before it counts; ended blocks removed whenever the blocks are read, so an ended block never constrains a plan.
/// <see cref="Changed"/> tells the readers that act on a change (a re-plan, the MQTT state).
/// </summary>
public sealed class ManualBlockStore(ManualBlockRepository repository, DarkstarOptions options, TimeProvider clock, ILogger<ManualBlockStore> logger) : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>Raised after blocks were added, deleted or removed on ending.</summary>
    public event EventHandler<ManualBlocksChange>? Changed;

    /// <summary>The blocks not yet ended, in order of start; removes the ended ones first.</summary>
    public async Task<IReadOnlyList<ManualBlock>> ActiveAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ended = await WriteAsync(() => repository.DeleteEndedAsync(now, cancellationToken), cancellationToken);
        if (ended > 0)
        {
            logger.LogInformation("{Count} manual blocks ended and were removed", ended);
            Changed?.Invoke(this, new ManualBlocksChange(Ended: true));
        }

        return await repository.ReadEndingAfterAsync(now, cancellationToken);
    }

    /// <summary>Checks <paramref name="request"/> and stores the block it asks for; a refused one changes nothing and says why.</summary>
    public async Task<ManualBlockResult> AddAsync(ManualBlockRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Ended blocks go first, so that they neither clash with the new one nor linger.
        await ActiveAsync(cancellationToken);
        ManualBlock stored;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            // Read again under the lock: two requests at once must not both pass the overlap check.
            var active = await repository.ReadEndingAfterAsync(now, cancellationToken);
            if (ManualBlockRules.Check(request, active, now, options, out var error) is not { } block)
            {
                logger.LogWarning("Refused a manual block: {Reason}", error);
                return new ManualBlockResult(null, error);
            }

            stored = block with { Id = await repository.InsertAsync(block, cancellationToken) };
        }
        finally
        {
            _writer.Release();
        }

        logger.LogInformation("Manual block added: {Block}", stored.Describe());
        Changed?.Invoke(this, new ManualBlocksChange(Ended: false));
        return new ManualBlockResult(stored, null);
    }

    /// <summary>Deletes block <paramref name="id"/>; false when there is none.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var deleted = await WriteAsync(() => repository.DeleteAsync(id, cancellationToken), cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("Manual block {Id} deleted", id);
            Changed?.Invoke(this, new ManualBlocksChange(Ended: false));
        }

        return deleted > 0;
    }

    /// <summary>Deletes every block; returns how many.</summary>
    public async Task<int> ClearAsync(CancellationToken cancellationToken)
    {
        var deleted = await WriteAsync(() => repository.DeleteAllAsync(cancellationToken), cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("{Count} manual blocks cleared", deleted);
            Changed?.Invoke(this, new ManualBlocksChange(Ended: false));
        }

        return deleted;
    }

    public void Dispose() => _writer.Dispose();

    private async Task<int> WriteAsync(Func<Task<int>> write, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            _writer.Release();
        }
    }
}
