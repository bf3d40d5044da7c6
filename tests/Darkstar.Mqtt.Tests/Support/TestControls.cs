using System.Collections.Concurrent;
using Darkstar.Mqtt.Controls;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>Records every command the service routes to the add-on; can be told to refuse them.</summary>
public sealed class RecordingCommandHandler : IDarkstarCommandHandler
{
    private readonly ConcurrentQueue<string> _calls = new();

    public bool Refuse { get; set; }

    public IReadOnlyList<string> Calls => [.. _calls];

    public Task SetSwitchAsync(DarkstarSwitch control, bool isOn, CancellationToken cancellationToken) => Record($"switch {control} {isOn}");

    public Task SelectAsync(DarkstarSelect control, string selected, CancellationToken cancellationToken) => Record($"select {control} {selected}");

    public Task SetNumberAsync(DarkstarNumber control, double value, CancellationToken cancellationToken) =>
        Record(FormattableString.Invariant($"number {control} {value}"));

    public Task PressAsync(DarkstarButton button, CancellationToken cancellationToken) => Record($"press {button}");

    private Task Record(string call)
    {
        if (Refuse)
        {
            return Task.FromException(new InvalidOperationException("refused by the test"));
        }

        _calls.Enqueue(call);
        return Task.CompletedTask;
    }
}

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
