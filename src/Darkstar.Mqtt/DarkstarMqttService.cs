using Darkstar.Mqtt.Controls;
using Darkstar.Mqtt.Discovery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Mqtt;

/// <summary>What the MQTT service announces: where, in which currency, which forecast versions, which software version.</summary>
public sealed record DarkstarMqttSettings
{
    public required DarkstarTopics Topics { get; init; }

    public required string Currency { get; init; }

    public required string SoftwareVersion { get; init; }

    public IReadOnlyList<string>? ForecastVersions { get; init; }

    /// <summary>The control values before any user change (from the options).</summary>
    public required DarkstarControlValues Defaults { get; init; }

    /// <summary>Home Assistant's own start-up takes a moment after its <c>online</c>: announce within this window, at random.</summary>
    public TimeSpan AnnounceDelayMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan AnnounceDelayMax { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Darkstar's presence in Home Assistant over MQTT: connects, announces the device (discovery, retired entities,
/// every current state) on every connect and whenever Home Assistant comes online, and turns messages on the
/// command topics into validated calls of the <see cref="IDarkstarCommandHandler"/>, persisting what users set.
/// </summary>
public sealed class DarkstarMqttService : BackgroundService
{
    private readonly MqttConnection _connection;
    private readonly DarkstarMqttSettings _settings;
    private readonly IDarkstarCommandHandler _handler;
    private readonly IUserSettingsStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger<DarkstarMqttService> _logger;
    private readonly IReadOnlyList<DarkstarEntity> _entities;
    private readonly CommandParser _parser;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DarkstarControlValues _controls;
    private CancellationTokenSource? _pendingAnnounce;

    public DarkstarMqttService(
        MqttConnection connection,
        DarkstarMqttSettings settings,
        IDarkstarCommandHandler handler,
        IUserSettingsStore store,
        TimeProvider clock,
        ILogger<DarkstarMqttService> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _settings = settings;
        _handler = handler;
        _store = store;
        _clock = clock;
        _logger = logger;
        _entities = DarkstarEntities.All(settings.Currency, settings.ForecastVersions);
        _parser = new CommandParser(_entities);
        _controls = settings.Defaults;
        Publisher = new DarkstarPublisher(connection, settings.Topics);
    }

    /// <summary>The typed API the rest of the add-on publishes its figures through.</summary>
    public DarkstarPublisher Publisher { get; }

    /// <summary>The controls' current values (the options', overridden by what users set).</summary>
    public DarkstarControlValues Controls => Volatile.Read(ref _controls);

    public IReadOnlyList<DarkstarEntity> Entities => _entities;

    /// <summary>Completes once the stored settings are loaded and the connection is started.</summary>
    public Task WaitUntilStartedAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Queues the discovery config, the removal of retired entities and every current state.</summary>
    public void Announce()
    {
        var document = DiscoveryDocument.Build(_settings.Topics, _entities, DarkstarEntities.Retired, _settings.SoftwareVersion);
        _connection.Enqueue(_settings.Topics.DeviceConfig, DiscoveryDocument.ToText(document), retain: true);
        foreach (var retired in DarkstarEntities.Retired)
        {
            // An empty retained config removes an entity an earlier, per-entity-discovery version created.
            _connection.Enqueue(_settings.Topics.EntityConfig(retired.Platform, retired.Id), string.Empty, retain: true);
        }

        Publisher.PublishControls(Controls);
        Publisher.PublishUnknownWhereUnset(_entities);
        Publisher.RepublishAll();
        _logger.LogInformation("Announced the Darkstar device ({Count} entities) on {Topic}", _entities.Count, _settings.Topics.DeviceConfig);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LoadStoredControlsAsync(stoppingToken);
            _connection.Subscribe(_settings.Topics.AllCommands);
            _connection.Subscribe(_settings.Topics.HomeAssistantStatus);
            _connection.Connected += (_, _) => Announce();
            await _connection.StartAsync(stoppingToken);
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }

        await foreach (var message in _connection.Messages.ReadAllAsync(stoppingToken))
        {
            try
            {
                await HandleAsync(message, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(e, "Handling the MQTT message on {Topic} failed", message.Topic);
            }
        }
    }

    public override void Dispose()
    {
        _pendingAnnounce?.Cancel();
        _pendingAnnounce?.Dispose();
        base.Dispose();
    }

    private async Task LoadStoredControlsAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.LoadAsync(cancellationToken);
        var values = _settings.Defaults;
        // Numbers first as the options give them, so a stored min/max pair is checked against each other in turn.
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

        Volatile.Write(ref _controls, values);
        Publisher.PublishControls(values);
    }

    private async Task HandleAsync(MqttIncomingMessage message, CancellationToken cancellationToken)
    {
        if (message.Topic == _settings.Topics.HomeAssistantStatus)
        {
            if (message.PayloadText == MqttConnection.OnlinePayload)
            {
                ScheduleAnnounce(cancellationToken);
            }

            return;
        }

        var entityId = _settings.Topics.CommandEntityId(message.Topic);
        if (entityId is null)
        {
            return;
        }

        if (message.Retained)
        {
            // A retained command would be replayed on every reconnect: a button would be pressed again and again.
            _logger.LogWarning("Ignoring a retained command on {Topic}; commands must not be retained", message.Topic);
            return;
        }

        await HandleCommandAsync(entityId, message.PayloadText, cancellationToken);
    }

    private async Task HandleCommandAsync(string entityId, string payload, CancellationToken cancellationToken)
    {
        var current = Controls;
        var parsed = _parser.Parse(entityId, payload, current);
        if (parsed.Command is not { } command)
        {
            _logger.LogWarning("Rejected the command for {Control}: {Reason}", entityId, parsed.Error);
            RepublishUnchanged(current, entityId);
            return;
        }

        try
        {
            await (command switch
            {
                DarkstarCommand.SetSwitch s => _handler.SetSwitchAsync(s.Switch, s.On, cancellationToken),
                DarkstarCommand.ChooseOption s => _handler.SelectAsync(s.Control, s.Option, cancellationToken),
                DarkstarCommand.SetNumber n => _handler.SetNumberAsync(n.Number, n.Value, cancellationToken),
                DarkstarCommand.Press p => _handler.PressAsync(p.Button, cancellationToken),
                _ => Task.CompletedTask,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(e, "The handler refused the command for {Control}", entityId);
            RepublishUnchanged(current, entityId);
            return;
        }

        if (command is DarkstarCommand.Press)
        {
            _logger.LogInformation("{Control} pressed", entityId);
            return;
        }

        var updated = current.With(command);
        Volatile.Write(ref _controls, updated);
        var text = updated.StateText(entityId);
        await _store.SaveAsync(entityId, text, cancellationToken);
        Publisher.PublishControl(updated, entityId);
        _logger.LogInformation("{Control} set to {Value}", entityId, text);
    }

    private void RepublishUnchanged(DarkstarControlValues current, string entityId)
    {
        if (DarkstarControlValues.StatefulIds.Contains(entityId))
        {
            Publisher.PublishControl(current, entityId);
        }
    }

    private void ScheduleAnnounce(CancellationToken cancellationToken)
    {
        // Home Assistant restarting sends one online; several in a row (a flapping restart) announce once.
        _pendingAnnounce?.Cancel();
        _pendingAnnounce?.Dispose();
        var pending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pendingAnnounce = pending;
        var spread = _settings.AnnounceDelayMax - _settings.AnnounceDelayMin;
        var delay = _settings.AnnounceDelayMin + (spread > TimeSpan.Zero ? spread * Random.Shared.NextDouble() : TimeSpan.Zero);
        _logger.LogInformation("Home Assistant is online; announcing in {Seconds:0.0} s", delay.TotalSeconds);
        _ = AnnounceAfterAsync(delay, pending.Token);
    }

    private async Task AnnounceAfterAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _clock, cancellationToken);
            Announce();
        }
        catch (OperationCanceledException)
        {
            // A newer online superseded this one, or the service is stopping.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Announcing the Darkstar device failed");
        }
    }
}
