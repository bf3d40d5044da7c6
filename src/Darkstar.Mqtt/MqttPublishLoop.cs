using Darkstar.Core.Car;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Microsoft.Extensions.Logging;

namespace Darkstar.Mqtt;

/// <summary>
/// Publishes the database's figures (forecasts, plan, prices, costs) through <see cref="DatabaseStateReader"/> once the
/// MQTT service is up, when asked (<see cref="RequestPublish"/>: after every new plan) and at every quarter hour, and the
/// status whenever it changes. Messages wait in the connection's queue while the broker is away.
/// </summary>
public sealed class MqttPublishLoop : ServiceLoop
{
    /// <summary>The name <c>/health</c> shows the publishing under.</summary>
    public const string LoopName = "mqtt";

    private readonly DarkstarMqttService _mqtt;
    private readonly ControlStore _controls;
    private readonly IDarkstarStatusSource _status;
    private readonly DatabaseStateReader _reader;
    private readonly TimeZoneInfo _zone;
    private readonly LoopTrigger _publishNow = new();
    private readonly CarStatusBoard? _car;

    public MqttPublishLoop(
        DarkstarMqttService mqtt,
        ControlStore controls,
        IDarkstarStatusSource status,
        DatabaseStateReader reader,
        TimeZoneInfo zone,
        LoopContext context,
        ILogger<MqttPublishLoop> logger,
        CarStatusBoard? car = null)
        : base(LoopName, context, logger)
    {
        _car = car;
        _mqtt = mqtt ?? throw new ArgumentNullException(nameof(mqtt));
        _controls = controls ?? throw new ArgumentNullException(nameof(controls));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _zone = zone ?? throw new ArgumentNullException(nameof(zone));
        _status.Changed += OnStatusChanged;
    }

    protected override string Activity => "publishing";

    protected override LoopTrigger Trigger => _publishNow;

    /// <summary>Publishes the figures again at once (they changed: a new plan).</summary>
    public void RequestPublish(string reason) => _publishNow.Request(reason);

    public override void Dispose()
    {
        _status.Changed -= OnStatusChanged;
        base.Dispose();
    }

    protected override Task StartingAsync(CancellationToken cancellationToken) => WaitOutsideAsync(_mqtt.WaitUntilStartedAsync, null, cancellationToken);

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => SlotGrid.StartOf(SlotGrid.IndexOf(roundStarted) + 1);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        await _reader.PublishAsync(_mqtt.Publisher, _controls.Current.ForecastVersion, _zone, cancellationToken);
        PublishStatus();
        _mqtt.Publisher.PublishCar(_car?.Current ?? CarPlanStatus.Off);
        return RoundOutcome.Succeeded;
    }

    private void OnStatusChanged(object? sender, EventArgs e) => PublishStatus();

    private void PublishStatus()
    {
        // The publisher is thread-safe and sends only what changed: the executor's tick may call this any minute.
        var (status, reason) = _status.Current();
        _mqtt.Publisher.PublishStatus(status, reason);
    }
}
