using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Mqtt.Discovery;
using Darkstar.Storage;
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

    /// <summary>The names of the configured flexible loads (<c>flexible_loads</c>): a sensor each.</summary>
    public IReadOnlyList<string>? FlexibleLoads { get; init; }

    /// <summary>Home Assistant's own start-up takes a moment after its <c>online</c>: announce within this window, at random.</summary>
    public TimeSpan AnnounceDelayMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan AnnounceDelayMax { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Darkstar's presence in Home Assistant over MQTT: connects, announces the device (discovery, retired entities,
/// every current state) on every connect and whenever Home Assistant comes online, and turns messages on the
/// command topics into changes of the one <see cref="ControlStore"/> (held to what each control takes, persisted there)
/// and button presses into wake-up calls (<see cref="ServiceTriggers"/>). Every change of the store, whoever made it, is
/// published back.
/// </summary>
public sealed class DarkstarMqttService : BackgroundService
{
    private readonly MqttConnection _connection;
    private readonly DarkstarMqttSettings _settings;
    private readonly ControlStore _controls;
    private readonly ServiceTriggers _triggers;
    private readonly TimeProvider _clock;
    private readonly ILogger<DarkstarMqttService> _logger;
    private readonly IReadOnlyList<DarkstarEntity> _entities;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _pendingAnnounce;
    private readonly InstallationIdentity? _installation;
    private readonly ManualBlockStore? _blockStore;
    private readonly ManualBlockCommands? _blocks;

    public DarkstarMqttService(
        MqttConnection connection,
        DarkstarMqttSettings settings,
        ControlStore controls,
        ServiceTriggers triggers,
        TimeProvider clock,
        ILogger<DarkstarMqttService> logger,
        InstallationIdentity? installation = null,
        ManualBlockStore? blocks = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(triggers);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _settings = settings;
        _controls = controls;
        _triggers = triggers;
        _clock = clock;
        _logger = logger;
        _installation = installation;
        _entities = DarkstarEntities.All(settings.Currency, settings.ForecastVersions, settings.FlexibleLoads);
        Publisher = new DarkstarPublisher(connection, settings.Topics);
        _controls.Changed += OnControlsChanged;
        _blockStore = blocks;
        if (blocks is not null)
        {
            _blocks = new ManualBlockCommands(blocks, Publisher, logger);
            blocks.Changed += OnBlocksChanged;
        }
    }

    /// <summary>
    /// Connects as <c>darkstar-</c> and the installation's id rather than the default id: two installations on one broker
    /// would otherwise knock each other off, for ever. A client id set in the settings stays.
    /// </summary>
    private async Task UseInstallationClientIdAsync(CancellationToken cancellationToken)
    {
        if (_installation is null || _connection.Settings.ClientId != MqttConnectionSettings.DefaultClientId)
        {
            return;
        }

        try
        {
            _connection.UseClientId($"{MqttConnectionSettings.DefaultClientId}-{await _installation.ReadOrCreateAsync(cancellationToken)}");
        }
        catch (Exception e) when (DatabaseFaults.IsDatabaseError(e))
        {
            _logger.LogWarning("MQTT connects as '{ClientId}': the installation's id could not be read ({Fault})", _connection.Settings.ClientId, DatabaseFaults.Describe(e));
        }
    }

    /// <summary>The typed API the rest of the add-on publishes its figures through.</summary>
    public DarkstarPublisher Publisher { get; }

    public IReadOnlyList<DarkstarEntity> Entities => _entities;

    /// <summary>Completes once the controls' stored values are loaded and the connection is started.</summary>
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

        Publisher.PublishControls(_controls.Current);
        Publisher.PublishUnknownWhereUnset(_entities);
        Publisher.RepublishAll();
        _logger.LogInformation("Announced the Darkstar device ({Count} entities) on {Topic}", _entities.Count, _settings.Topics.DeviceConfig);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _controls.WaitUntilLoadedAsync(stoppingToken);
            Publisher.PublishControls(_controls.Current);
            _connection.Subscribe(_settings.Topics.AllCommands);
            _connection.Subscribe(_settings.Topics.HomeAssistantStatus);
            _connection.Connected += (_, _) => Announce();
            await UseInstallationClientIdAsync(stoppingToken);
            await PublishBlocksAsync(stoppingToken);
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
        _controls.Changed -= OnControlsChanged;
        if (_blockStore is not null)
        {
            _blockStore.Changed -= OnBlocksChanged;
        }

        _pendingAnnounce?.Cancel();
        _pendingAnnounce?.Dispose();
        base.Dispose();
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
        if (_blocks is not null && ManualBlockEntities.Handles(entityId))
        {
            await _blocks.HandleAsync(entityId, payload, cancellationToken);
            return;
        }

        if (_controls.Parse(entityId, payload).Command is DarkstarCommand.Press press)
        {
            _triggers.Press(press.Button);
            _logger.LogInformation("{Control} pressed", entityId);
            return;
        }

        var before = _controls.Current;
        CommandParseResult result;
        try
        {
            result = await _controls.SetAsync(entityId, payload, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(e, "The command for {Control} could not be carried out", entityId);
            RepublishUnchanged(before, entityId);
            return;
        }

        if (result.Command is null)
        {
            _logger.LogWarning("Rejected the command for {Control}: {Reason}", entityId, result.Error);
            RepublishUnchanged(_controls.Current, entityId);
        }
        else if (_controls.Current.StateText(entityId) == before.StateText(entityId))
        {
            // Nothing changed, so no change is published: Home Assistant's optimistic UI still wants its answer.
            Publisher.PublishControl(_controls.Current, entityId);
        }
    }

    private void OnControlsChanged(object? sender, ControlsChange change)
    {
        foreach (var id in change.ControlIds)
        {
            Publisher.PublishControl(change.Current, id);
        }
    }

    // Blocks change through the web UI, or end: the sensor follows. A failed read is logged; the next change publishes again.
    private void OnBlocksChanged(object? sender, ManualBlocksChange change) => _ = PublishBlocksAsync(CancellationToken.None);

    private async Task PublishBlocksAsync(CancellationToken cancellationToken)
    {
        if (_blocks is null)
        {
            return;
        }

        try
        {
            await _blocks.PublishAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning("The manual blocks could not be read for MQTT: {Fault}", DatabaseFaults.IsDatabaseError(e) ? DatabaseFaults.Describe(e) : e.Message);
        }
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
