using Darkstar.Core.Options;
using Darkstar.Forecasting.Runtime;
using Darkstar.Mqtt;
using Darkstar.Planning.Kepler;
using Darkstar.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>
/// Publishes the database's figures (forecasts, plan, prices, costs) through <see cref="DatabaseStateReader"/> once
/// the MQTT service is up, after every new plan and at every quarter hour, and the status after every executor tick.
/// Messages wait in the connection's queue while the broker is away.
/// </summary>
public sealed class MqttPublishLoop : BackgroundService, IPlanListener
{
    private readonly DarkstarMqttService _mqtt;
    private readonly PlannerControls _controls;
    private readonly StatusBoard _status;
    private readonly ServiceHealth _health;
    private readonly DatabaseStateReader _reader;
    private readonly TimeZoneInfo _zone;
    private readonly TimeProvider _clock;
    private readonly ILogger<MqttPublishLoop> _logger;
    private readonly LoopTrigger _publishNow = new();

    public MqttPublishLoop(
        DarkstarMqttService mqtt,
        PlannerControls controls,
        StatusBoard status,
        ServiceHealth health,
        DarkstarDatabase database,
        AuroraModelStore models,
        DarkstarOptions options,
        TimeZoneInfo zone,
        TimeProvider clock,
        ILogger<MqttPublishLoop> logger)
    {
        _mqtt = mqtt;
        _controls = controls;
        _status = status;
        _health = health;
        _reader = new DatabaseStateReader(database, clock, models.ResolveForecastVersionAsync, options.WaterHeating.Enabled);
        _zone = zone;
        _clock = clock;
        _logger = logger;
        status.Changed += (_, _) => PublishStatus();
    }

    public void PlanMade(PlanOutcome outcome, string reason) => _publishNow.Request("new plan");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _health.Register(ServiceLoops.Publisher);
        try
        {
            await _mqtt.WaitUntilStartedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var due = Core.Time.SlotGrid.StartOf(Core.Time.SlotGrid.IndexOf(_clock.GetUtcNow()) + 1);
                try
                {
                    await _reader.PublishAsync(_mqtt.Publisher, _controls.Values.ForecastVersion, _zone, stoppingToken);
                    PublishStatus();
                    _health.Succeeded(ServiceLoops.Publisher);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogError(e, "Publishing Darkstar's figures failed");
                    _health.Failed(ServiceLoops.Publisher, $"publishing failed: {e.Message}");
                }

                await _publishNow.WaitUntilAsync(due, _clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void PublishStatus()
    {
        // The publisher is thread-safe and sends only what changed: the executor's tick may call this any minute.
        var (status, reason) = _status.Current();
        _mqtt.Publisher.PublishStatus(status, reason);
    }
}
