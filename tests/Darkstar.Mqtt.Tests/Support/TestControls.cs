using System.Collections.Concurrent;
using Darkstar.Core.Controls;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>Settings kept in memory, for tests that are not about persistence.</summary>
public sealed class MemorySettingsStore : IUserSettingsStore
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Values => _values;

    public Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(_values));

    public Task SaveAsync(string controlId, string value, CancellationToken cancellationToken)
    {
        _values[controlId] = value;
        return Task.CompletedTask;
    }
}

/// <summary>Settings that cannot be written (a database that refuses): a change must then not take effect.</summary>
public sealed class RefusingSettingsStore : IUserSettingsStore
{
    public Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    public Task SaveAsync(string controlId, string value, CancellationToken cancellationToken) =>
        Task.FromException(new InvalidOperationException("refused by the test"));
}
