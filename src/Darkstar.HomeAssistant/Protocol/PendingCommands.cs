using System.Collections.Concurrent;
using System.Text.Json;

namespace Darkstar.HomeAssistant.Protocol;

/// <summary>
/// The commands waiting for their result, by id. A result completes its command; a timeout or a
/// cancellation removes the entry, so an answer that never comes leaks nothing.
/// </summary>
internal sealed class PendingCommands
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();

    public int Count => _pending.Count;

    public bool Contains(long id) => _pending.ContainsKey(id);

    /// <summary>Registers <paramref name="id"/> before its command is sent, so that no result can arrive unclaimed.</summary>
    public Task<JsonElement> Register(long id, string commandType)
    {
        var pending = new Pending(commandType, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.TryAdd(id, pending))
        {
            throw new InvalidOperationException($"Command id {id} is already waiting for a result.");
        }

        return pending.Completion.Task;
    }

    public void Remove(long id) => _pending.TryRemove(id, out _);

    /// <summary>
    /// Completes the command a <c>result</c> or <c>pong</c> message answers: the <c>result</c> field on
    /// success, a <see cref="HomeAssistantCommandException"/> with Home Assistant's code and message on failure.
    /// </summary>
    /// <returns>False when no command waits for this id (it timed out, or it never existed).</returns>
    public bool Complete(JsonElement message)
    {
        if (Json.GetInt64(message, "id") is not { } id || !_pending.TryRemove(id, out var pending))
        {
            return false;
        }

        var type = Json.GetString(message, "type");
        if (string.Equals(type, "pong", StringComparison.Ordinal) || Json.GetBoolean(message, "success") == true)
        {
            var result = message.TryGetProperty("result", out var value) ? value : default;
            pending.Completion.TrySetResult(result);
            return true;
        }

        pending.Completion.TrySetException(ToException(pending.CommandType, message));
        return true;
    }

    /// <summary>Waits for the result of <paramref name="id"/>; on timeout or cancellation the entry is removed.</summary>
    public async Task<JsonElement> WaitAsync(long id, Task<JsonElement> result, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            return await result.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            var type = _pending.TryRemove(id, out var pending) ? pending.CommandType : "command";
            throw new HomeAssistantTimeoutException($"Home Assistant did not answer {type} (id {id}) within {timeout.TotalSeconds:0.###} s.", ex);
        }
        catch (OperationCanceledException)
        {
            Remove(id);
            throw;
        }
    }

    /// <summary>Fails every waiting command, when the connection is gone and no result can come.</summary>
    public void FailAll(Exception error)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    internal static HomeAssistantCommandException ToException(string commandType, JsonElement message)
    {
        var error = message.TryGetProperty("error", out var value) && value.ValueKind == JsonValueKind.Object ? value : default;
        var code = error.ValueKind == JsonValueKind.Object ? Json.GetString(error, "code") : null;
        var text = error.ValueKind == JsonValueKind.Object ? Json.GetString(error, "message") : null;
        return new HomeAssistantCommandException(commandType, code ?? "unknown_error", text ?? "no error message");
    }

    private sealed record Pending(string CommandType, TaskCompletionSource<JsonElement> Completion);
}
