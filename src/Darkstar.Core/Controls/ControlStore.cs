using Microsoft.Extensions.Logging;

namespace Darkstar.Core.Controls;

/// <summary>What changed in the <see cref="ControlStore"/>.</summary>
/// <param name="ControlIds">The controls whose value changed.</param>
/// <param name="Loaded">True for the values read from <c>user_settings</c> at start, false for a user's change.</param>
public sealed record ControlsChange(DarkstarControlValues Previous, DarkstarControlValues Current, IReadOnlyList<string> ControlIds, bool Loaded);

/// <summary>
/// The one store of the values users set through Darkstar's controls: the options' values until a user changes one,
/// what users set loaded from <c>user_settings</c> at start, and every accepted change persisted there before it takes
/// effect. The MQTT service, the planner and the executor read <see cref="Current"/>; writers (MQTT commands, the web UI)
/// go through <see cref="SetAsync"/>, which holds each value to what the control takes (<see cref="ControlCatalogue"/>);
/// <see cref="Changed"/> tells the readers that act on a change (a re-plan, the MQTT state).
/// </summary>
public sealed class ControlStore : IDisposable
{
    private readonly IUserSettingsStore _persistence;
    private readonly CommandParser _parser;
    private readonly ILogger<ControlStore> _logger;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DarkstarControlValues _current;

    public ControlStore(DarkstarControlValues defaults, IUserSettingsStore persistence, ILogger<ControlStore> logger, IReadOnlyList<string>? forecastVersions = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(persistence);
        ArgumentNullException.ThrowIfNull(logger);
        Defaults = defaults;
        _current = defaults;
        _persistence = persistence;
        _logger = logger;
        Definitions = ControlCatalogue.All(forecastVersions);
        _parser = new CommandParser(Definitions);
    }

    /// <summary>Raised after every change, in order, once the change is persisted.</summary>
    public event EventHandler<ControlsChange>? Changed;

    /// <summary>The values before any user change (from the options).</summary>
    public DarkstarControlValues Defaults { get; }

    /// <summary>Every control and the values it takes.</summary>
    public IReadOnlyList<ControlDefinition> Definitions { get; }

    /// <summary>The values in force now. Cheap and never blocks: the executor reads it every tick.</summary>
    public DarkstarControlValues Current => Volatile.Read(ref _current);

    /// <summary>Completes once <see cref="LoadAsync"/> has read what users set.</summary>
    public Task WaitUntilLoadedAsync(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Reads what users set over the options' values, each stored value held to what its control takes against those read
    /// before it (a stored value that no longer fits is ignored, with a warning).
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var stored = await _persistence.LoadAsync(cancellationToken);
            var values = Defaults;
            // In the catalogue's order, numbers as the options give them first: a stored min/max pair is checked against each other in turn.
            foreach (var id in DarkstarControlValues.StatefulIds)
            {
                if (!stored.TryGetValue(id, out var text))
                {
                    continue;
                }

                var parsed = _parser.Parse(id, text, values);
                if (parsed.Command is null)
                {
                    _logger.LogWarning("Ignoring the stored value of {Control}: {Reason}", id, parsed.Error);
                    continue;
                }

                values = values.With(parsed.Command);
            }

            var previous = Current;
            Volatile.Write(ref _current, values);
            _logger.LogInformation(
                "Controls in force: executor {Enabled}, shadow mode {Shadow}, override {Override}", values.ExecutorEnabled, values.ShadowMode, values.ManualOverride);
            Notify(previous, values, loaded: true);
            _loaded.TrySetResult();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reads <paramref name="text"/> as a value of control <paramref name="controlId"/> against the values now, changing nothing.</summary>
    public CommandParseResult Parse(string controlId, string text) => _parser.Parse(controlId, text, Current);

    /// <summary>
    /// Sets control <paramref name="controlId"/> to <paramref name="text"/> (its state text: <c>ON</c>, <c>hold</c>, <c>25</c>)
    /// when the control takes it: persisted, then in force, then <see cref="Changed"/>. A rejected value changes nothing and
    /// says why; a button is not a value and is rejected. A failure to persist throws and changes nothing.
    /// </summary>
    public async Task<CommandParseResult> SetAsync(string controlId, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(controlId);
        ArgumentNullException.ThrowIfNull(text);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var previous = Current;
            var parsed = _parser.Parse(controlId, text, previous);
            if (parsed.Command is not { } command)
            {
                return parsed;
            }

            if (command is DarkstarCommand.Press)
            {
                return CommandParseResult.Rejected($"'{controlId}' is a button: it has no value to set");
            }

            var updated = previous.With(command);
            var state = updated.StateText(controlId);
            await _persistence.SaveAsync(controlId, state, cancellationToken);
            Volatile.Write(ref _current, updated);
            _logger.LogInformation("{Control} set to {Value}", controlId, state);
            Notify(previous, updated, loaded: false);
            return parsed;
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();

    private void Notify(DarkstarControlValues previous, DarkstarControlValues current, bool loaded)
    {
        var changed = DarkstarControlValues.StatefulIds.Where(id => previous.StateText(id) != current.StateText(id)).ToList();
        if (changed.Count > 0)
        {
            Changed?.Invoke(this, new ControlsChange(previous, current, changed, loaded));
        }
    }
}
