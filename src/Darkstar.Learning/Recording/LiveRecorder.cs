using System.Threading.Channels;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Darkstar.Core.Units;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Learning.Prices;
using Darkstar.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Recording;

/// <summary>How the live recorder paces itself.</summary>
public sealed record LiveRecorderSettings
{
    /// <summary>
    /// How long after a slot boundary the slot is closed: Home Assistant stamps a state when it takes it, and the
    /// change reaches us a moment later.
    /// </summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Prices are read again at least this often, and whenever the Nord Pool sensor changes.</summary>
    public TimeSpan PriceRefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest wait before slots the database refused (locked, full) are written again, and before the recorder
    /// follows again after a fault that stopped it; the wait starts at <see cref="SettleDelay"/> and doubles up to this.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The custom integration's sensor whose changes trigger a price update; null with the action source.</summary>
    public string? NordpoolSensor { get; init; }

    /// <summary>
    /// Days of the home's past read from Home Assistant's recorder statistics: all of them at a first start (nothing
    /// recorded yet), so that the forecasts learn from history on the first day, and those before the earliest slot
    /// recorded when more days are asked for later (the service reads the days Aurora trains on); 0 reads none.
    /// </summary>
    public int HistoryDays { get; init; }
}

/// <summary>
/// Where the live recorder stands: since when it follows the sensors (null until subscribed), the last slot boundary
/// written, gaps filled, an outage not yet filled, prices, the last problem, and the fault that keeps it from writing now
/// (a database that is locked, full or damaged; null once a write succeeds again).
/// </summary>
public sealed record LiveRecorderStatus(
    DateTimeOffset? RecordingSince,
    DateTimeOffset? RecordedUntil,
    int GapsFilled,
    DateTimeOffset? OutageSince,
    PriceHorizon? Prices,
    DateTimeOffset? PricesUpdatedAt,
    string? LastProblem,
    string? Fault = null);

/// <summary>
/// Records every 15-minute slot live: it subscribes to the state changes of the mapped sensors and, a moment after
/// each slot boundary, hands the readings up to the boundary to the one <see cref="SlotEtl"/> that backfill and
/// dataset import use, so a slot is written once it is complete. A state holds until it changes, so a counter that
/// did not move is restated at the boundary. After an outage (the client reported a disconnect, or was
/// disconnected at a boundary) or at start-up behind the stored totals, the gap is filled from Home Assistant's
/// recorder statistics through <see cref="StatisticsBackfill"/>. Prices are refreshed on a schedule and whenever the
/// Nord Pool sensor changes. The recorder is the reader of the client's <see cref="HomeAssistantWebSocketClient.ConnectionChanges"/>.
/// </summary>
public sealed class LiveRecorder : BackgroundService, IHomeHistoryReader, ILiveSoc, IActivityPart
{
    private readonly HomeAssistantWebSocketClient _client;
    private readonly SlotEtl _etl;
    private readonly StatisticsBackfill _backfill;
    private readonly PriceUpdater? _prices;
    private readonly LiveRecorderSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveRecorder> _logger;
    private readonly Dictionary<string, MappedSensor> _byEntity;
    private readonly Dictionary<SensorRole, List<CounterReading>> _pending = [];
    private readonly Dictionary<SensorRole, CounterReading> _lastClosed = [];
    private readonly List<SocReading> _pendingSoc = [];
    private readonly object _statusGate = new();
    private LiveRecorderStatus _status = new(null, null, 0, null, null, null, null);
    private TaskCompletionSource _statusChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LoopActivity? _activity;
    private readonly Lock _activityGate = new();
    private DateTimeOffset? _outageSince;
    private bool _pricesDue = true;

    // Slots closed but not yet written (the database refused them): written in order, before any later one, at _retryAt.
    private readonly List<(DateTimeOffset Boundary, EtlBatch Batch)> _unwritten = [];
    private DateTimeOffset _retryAt;
    private TimeSpan _retryDelay;

    // For LoopActivity: the instant the next slot closes (null until the recorder follows), whether it works now, whether it ended.
    private DateTimeOffset? _nextCloseAt;
    private bool _working;
    private bool _ended;

    public LiveRecorder(
        HomeAssistantWebSocketClient client,
        SlotEtl etl,
        StatisticsBackfill backfill,
        PriceUpdater? prices,
        LiveRecorderSettings settings,
        TimeProvider time,
        ILogger<LiveRecorder> logger,
        LoopActivity? activity = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _etl = etl ?? throw new ArgumentNullException(nameof(etl));
        _backfill = backfill ?? throw new ArgumentNullException(nameof(backfill));
        _prices = prices;
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _activity = activity;
        _byEntity = etl.Settings.Sensors
            .Where(s => s.Quantity is SensorQuantity.Energy || s.Role == SensorRole.BatterySoc)
            .ToDictionary(s => s.EntityId, StringComparer.Ordinal);
    }

    /// <summary>True while the connection to Home Assistant is up (the outage in <see cref="Status"/> may still be filling).</summary>
    public bool HomeAssistantConnected => _client.IsConnected;

    /// <summary>Home Assistant's refusal of the token while it lasts; see <see cref="HomeAssistantWebSocketClient.Refusal"/>.</summary>
    public string? TokenRefused => _client.Refusal?.Message;

    /// <inheritdoc/>
    /// <remarks>
    /// Asked, not taken from the last state change received: a change arrives on the socket in its own time, so a plan
    /// would depend on how fast the machine is; the answer to a question is the state when it was asked.
    /// </remarks>
    public async Task<(DateTimeOffset At, double Percent)?> ReadSocAsync(CancellationToken cancellationToken)
    {
        var sensor = _byEntity.Values.FirstOrDefault(s => s.Role == SensorRole.BatterySoc);
        if (sensor is null || !_client.IsConnected)
        {
            return null;
        }

        try
        {
            var state = (await _client.GetStatesAsync(cancellationToken)).FirstOrDefault(s => s.EntityId == sensor.EntityId);
            return state is not null && state.TryGetNumber(out var value)
                ? (state.LastUpdated, UnitConverter.ToPercent(value, state.UnitOfMeasurement ?? "%", sensor.EntityId))
                : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The planner falls back to the last recorded slot's SoC; the connection's own problems are reported elsewhere.
            _logger.LogDebug(e, "The SoC could not be read from Home Assistant");
            return null;
        }
    }

    public LiveRecorderStatus Status
    {
        get
        {
            lock (_statusGate)
            {
                return _status;
            }
        }
    }

    /// <summary>
    /// Waits until the recorder follows the sensors live: the gap since the last run, or at a first start the home's
    /// past, has been read from the recorder's statistics by then.
    /// </summary>
    public Task WaitUntilFollowingAsync(CancellationToken cancellationToken) => WaitForStatusAsync(s => s.RecordingSince is not null, cancellationToken);

    /// <summary>Waits until every slot before <paramref name="boundary"/> is recorded (or the wait is cancelled).</summary>
    public Task WaitUntilRecordedAsync(DateTimeOffset boundary, CancellationToken cancellationToken) =>
        WaitForStatusAsync(s => s.RecordedUntil >= boundary, cancellationToken);

    private async Task WaitForStatusAsync(Func<LiveRecorderStatus, bool> reached, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_statusGate)
            {
                if (reached(_status))
                {
                    return;
                }

                changed = _statusChanged.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Quiet once it follows the sensors, with no slot due to close and nothing in hand, or while Home Assistant is away
    /// (nothing can be read until the client is back); quiet once it has ended. Not quiet before it follows: the first
    /// read of the past (or of the gap since the last run) is work in hand.
    /// </summary>
    string IActivityPart.Name => "recorder";

    public bool IsQuiet(DateTimeOffset now)
    {
        lock (_activityGate)
        {
            // A refused token: nothing to do until Home Assistant accepts it (the client asks again by itself).
            return _ended || _client.Refusal is not null || (_nextCloseAt is { } next && (!_client.IsConnected || (!_working && now < next)));
        }
    }

    /// <summary>Counted in the service's <see cref="LoopActivity"/> from the start, so that no wait can miss the first read of the past.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _activity?.Add(this);
        return base.StartAsync(cancellationToken);
    }

    private void SetActivity(bool working, DateTimeOffset? nextCloseAt = null, bool ended = false)
    {
        lock (_activityGate)
        {
            _working = working;
            _nextCloseAt = nextCloseAt ?? _nextCloseAt;
            _ended |= ended;
        }

        _activity?.Changed();
    }

    /// <summary>
    /// Follows the sensors until stopped. A fault that ends following (the database unusable at a gap fill, anything
    /// unforeseen) is logged once, shown in <see cref="LiveRecorderStatus.Fault"/>, and following starts again after a
    /// growing wait: what happened meanwhile is filled from the statistics. No exception of the recorder stops the host.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await FollowAsync(stoppingToken);
                    return;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    var retryAt = NoteFault(e, "the recorder stopped following the sensors");
                    SetActivity(working: false, nextCloseAt: retryAt);
                    await ClockWait.UntilAsync(retryAt, _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            SetActivity(working: false, ended: true);
        }
    }

    /// <summary>
    /// Reports <paramref name="error"/> as the recorder's fault (logged when it is new, not again while it lasts) and
    /// returns when to try again: the wait doubles from the settle delay up to <see cref="LiveRecorderSettings.MaxRetryDelay"/>.
    /// </summary>
    private DateTimeOffset NoteFault(Exception error, string consequence)
    {
        var fault = DatabaseFaults.IsDatabaseError(error) ? DatabaseFaults.Describe(error) : error.Message;
        if (Status.Fault != fault)
        {
            if (DatabaseFaults.IsDatabaseError(error))
            {
                // A named database fault: its line says everything, a stack trace would bury it.
                _logger.LogError("Recorder: {Fault}; {Consequence}, and tries again", fault, consequence);
            }
            else
            {
                _logger.LogError(error, "Recorder: {Fault}; {Consequence}, and tries again", fault, consequence);
            }
        }

        Report(s => s with { Fault = fault, LastProblem = fault });
        var floor = _settings.SettleDelay > TimeSpan.FromSeconds(1) ? _settings.SettleDelay : TimeSpan.FromSeconds(1);
        _retryDelay = _retryDelay < floor ? floor : TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _settings.MaxRetryDelay.Ticks));
        _retryAt = _time.GetUtcNow() + _retryDelay;
        return _retryAt;
    }

    private void ClearFault(string whatWorked)
    {
        _retryDelay = TimeSpan.Zero;
        if (Status.Fault is { } fault)
        {
            _logger.LogInformation("Recorder: {Done}; the fault has passed ({Fault})", whatWorked, fault);
            Report(s => s with { Fault = null });
        }
    }

    /// <summary>When the recorder next has something to do: the next slot to close, or sooner a retry of unwritten slots.</summary>
    private DateTimeOffset NextWork(DateTimeOffset nextBoundary)
    {
        var close = nextBoundary + _settings.SettleDelay;
        return _unwritten.Count > 0 && _retryAt < close ? _retryAt : close;
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        await _client.StartAsync(stoppingToken);
        var entities = _byEntity.Keys.ToList();
        if (_settings.NordpoolSensor is { } nordpool)
        {
            entities.Add(nordpool);
        }

        // Subscribe before reading the states, so that no change falls between the two.
        await using var subscription = await _client.SubscribeStateChangesAsync(entities, stoppingToken);
        var now = _time.GetUtcNow();
        await FillGapAsync(null, stoppingToken);
        var states = await _client.GetStatesAsync(stoppingToken);
        // A state holds until it changes: what was read still held when the answer came, whenever it last changed.
        // (Stamped earlier, a value read later would crowd the energy of the time between into too short a time.)
        var readAt = _time.GetUtcNow();
        foreach (var state in states)
        {
            Take(state with { LastUpdated = readAt });
        }

        Report(s => s with { RecordingSince = readAt });
        await RefreshPricesIfDueAsync(stoppingToken);
        ClearFault("following the sensors again");
        // The first boundary the gap fill did not reach: started within the settle delay after a boundary, the slot that
        // just ended is closed a moment later, not a quarter hour later.
        var nextBoundary = SlotGrid.Floor(now - _settings.SettleDelay) + SlotGrid.SlotLength;
        Task<bool>? events = null;
        Task<bool>? connection = null;
        Task<bool>? wake = null;
        // A periodic wake-up rather than one timer per boundary: a timer set "in N seconds" starts late when the clock
        // moves while it is set up, and a late boundary would wait for the next one.
        using var wakeTimer = new PeriodicTimer(_settings.SettleDelay > TimeSpan.FromSeconds(1) ? _settings.SettleDelay : TimeSpan.FromSeconds(1), _time);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        SetActivity(working: false, nextCloseAt: NextWork(nextBoundary));
        while (!stoppingToken.IsCancellationRequested)
        {
            events ??= subscription.Reader.WaitToReadAsync(stopping.Token).AsTask();
            connection ??= _client.ConnectionChanges.WaitToReadAsync(stopping.Token).AsTask();
            wake ??= wakeTimer.WaitForNextTickAsync(stopping.Token).AsTask();
            await Task.WhenAny(events, connection, wake);
            SetActivity(working: true);
            if (events.IsCompleted)
            {
                if (!await events)
                {
                    _logger.LogWarning("The state subscription ended; the recorder stops");
                    return;
                }

                events = null;
                DrainEvents(subscription);
            }

            if (connection.IsCompleted)
            {
                if (!await connection)
                {
                    _logger.LogWarning("Home Assistant's client stopped; the recorder stops");
                    return;
                }

                connection = null;
                DrainConnectionChanges();
            }

            if (wake.IsCompleted)
            {
                await wake;
                wake = null;
            }

            if (_time.GetUtcNow() >= nextBoundary + _settings.SettleDelay)
            {
                nextBoundary = await CloseSlotsAsync(nextBoundary, subscription, stoppingToken);
            }
            else if (_unwritten.Count > 0 && _time.GetUtcNow() >= _retryAt)
            {
                await WriteUnwrittenAsync(stoppingToken);
            }

            if (_pricesDue)
            {
                await RefreshPricesIfDueAsync(stoppingToken);
            }

            SetActivity(working: false, nextCloseAt: NextWork(nextBoundary));
        }

        await stopping.CancelAsync();
    }

    /// <summary>Closes every slot up to the latest boundary that has settled; returns the next boundary to wait for.</summary>
    private async Task<DateTimeOffset> CloseSlotsAsync(DateTimeOffset boundary, HomeAssistantSubscription<StateChangedEvent> subscription, CancellationToken cancellationToken)
    {
        var settled = SlotGrid.Floor(_time.GetUtcNow() - _settings.SettleDelay);
        var closeUntil = settled > boundary ? settled : boundary;
        try
        {
            if (!_client.IsConnected)
            {
                // The barrier below waits for the client to reconnect; what happened meanwhile comes from the statistics.
                NoteOutage();
            }

            await BarrierAsync(subscription, cancellationToken);
            DrainConnectionChanges();
            DrainEvents(subscription);
            if (_outageSince is not null)
            {
                await FillGapAsync(_outageSince, cancellationToken);
            }

            if (Status.RecordedUntil is not { } recorded || recorded < closeUntil)
            {
                await IngestUntilAsync(closeUntil, cancellationToken);
            }

            if (_time.GetUtcNow() - (Status.PricesUpdatedAt ?? DateTimeOffset.MinValue) >= _settings.PriceRefreshInterval)
            {
                _pricesDue = true;
            }
        }
        catch (Exception e) when (e is HomeAssistantException or TimeoutException)
        {
            // The connection went while closing the slot: the next boundary finds the outage and fills it.
            NoteOutage();
            Report(s => s with { LastProblem = e.Message });
            _logger.LogWarning(e, "Could not close the slots up to {Boundary}; they are filled when Home Assistant is back", InstantText.Format(closeUntil));
        }

        return closeUntil + SlotGrid.SlotLength;
    }

    /// <summary>
    /// A ping is a barrier: Home Assistant answers in order, so every change it sent before the pong has arrived (and is
    /// readable once the subscription has handed on what it received). A
    /// connection lost on the way is tried again on the next one (the client waits for it), a few times.
    /// </summary>
    private async Task BarrierAsync(HomeAssistantSubscription<StateChangedEvent> subscription, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _client.PingAsync(cancellationToken);
                await subscription.WaitUntilReceivedReadableAsync(cancellationToken);
                return;
            }
            catch (HomeAssistantConnectionLostException) when (attempt < 3)
            {
                // The client may not have noticed the drop yet: wait until it reports it (or a while), then try on
                // the next connection, which the client waits for.
                NoteOutage();
                await NextConnectionChangeAsync(cancellationToken);
            }
        }
    }

    private async Task NextConnectionChangeAsync(CancellationToken cancellationToken)
    {
        using var patience = new CancellationTokenSource(_settings.SettleDelay, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, patience.Token);
        try
        {
            Handle(await _client.ConnectionChanges.ReadAsync(linked.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No change within the settle delay: the next ping finds out.
        }
        catch (ChannelClosedException)
        {
            // The client has stopped; the next ping says why.
        }
    }

    /// <summary>The readings up to <paramref name="boundary"/>, each counter restated at the boundary, through the ETL.</summary>
    private async Task IngestUntilAsync(DateTimeOffset boundary, CancellationToken cancellationToken)
    {
        var batch = new EtlBatch { SocKnownUntil = boundary };
        foreach (var (role, readings) in _pending)
        {
            var upTo = readings.Where(r => r.At <= boundary).ToList();
            foreach (var reading in upTo)
            {
                batch.Add(role, reading);
            }

            var latest = upTo.Count > 0 ? upTo.MaxBy(r => r.At) : _lastClosed.TryGetValue(role, out var closed) ? closed : (CounterReading?)null;
            if (latest is { } last)
            {
                if (last.At < boundary)
                {
                    batch.Add(role, last with { At = boundary, RestatesLast = true, ChangeKwh = null, ChangeSince = null, FromRecorder = false });
                }

                _lastClosed[role] = last;
            }

            readings.RemoveAll(r => r.At <= boundary);
        }

        batch.Soc.AddRange(_pendingSoc.Where(r => r.At <= boundary));
        _pendingSoc.RemoveAll(r => r.At <= boundary);
        _unwritten.Add((boundary, batch));
        await WriteUnwrittenAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the closed slots the database has not taken yet, oldest first. A database fault (locked beyond the busy
    /// timeout, a full disk) keeps them in memory for the next attempt: the slot is recorded late, not lost.
    /// </summary>
    private async Task WriteUnwrittenAsync(CancellationToken cancellationToken)
    {
        var late = false;
        while (_unwritten.Count > 0)
        {
            var (boundary, batch) = _unwritten[0];
            try
            {
                await _etl.IngestAsync(batch, cancellationToken);
            }
            catch (UnitConversionException e)
            {
                // A sensor reports a unit that is not energy: those readings cannot be learned; the next ones may.
                Report(s => s with { LastProblem = e.Message });
                _logger.LogError(e, "Readings up to {Boundary} not recorded", InstantText.Format(boundary));
            }
            catch (Exception e) when (DatabaseFaults.IsDatabaseError(e) && !cancellationToken.IsCancellationRequested)
            {
                NoteFault(e, $"the slots up to {InstantText.Format(_unwritten[^1].Boundary)} are kept in memory");
                return;
            }

            _unwritten.RemoveAt(0);
            late |= Status.Fault is not null;
            Report(s => s with { RecordedUntil = boundary });
        }

        if (late)
        {
            ClearFault($"the slots up to {InstantText.Format(Status.RecordedUntil!.Value)} are written, late");
        }
        else
        {
            _retryDelay = TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Fills from the recorder's statistics everything between the stored totals (where the last slot written ends)
    /// and the last settled slot boundary; the readings the subscription holds up to there are then superseded.
    /// </summary>
    private async Task FillGapAsync(DateTimeOffset? outageSince, CancellationToken cancellationToken)
    {
        var baselines = await _etl.ReadBaselinesAsync(cancellationToken);
        var until = SlotGrid.Floor(_time.GetUtcNow() - _settings.SettleDelay);
        DateTimeOffset from;
        IProgress<(int Done, int Total)>? progress = null;
        if (baselines.Count > 0)
        {
            // From where the counters stopped; the backfill also reads what the recorder holds of the history days
            // before the earliest slot recorded, which costs one request when there is nothing more to read.
            from = baselines.Values.Min(b => b.At);
            if (_settings.HistoryDays > 0 && until - TimeSpan.FromDays(_settings.HistoryDays) < from)
            {
                from = until - TimeSpan.FromDays(_settings.HistoryDays);
            }

            progress = new HistoryProgress(_logger, minimumDays: 10);
        }
        else if (outageSince is { } since)
        {
            from = SlotGrid.Floor(since);
        }
        else if (_settings.HistoryDays > 0)
        {
            // A first start: the home's past from the recorder's statistics, hourly where it no longer keeps 5-minute rows.
            from = until - TimeSpan.FromDays(_settings.HistoryDays);
            _logger.LogInformation(
                "First start: reading {Days} days of the home's past from Home Assistant's statistics", _settings.HistoryDays);
            progress = new HistoryProgress(_logger);
        }
        else
        {
            return;
        }

        if (from < until)
        {
            var report = await _backfill.RunAsync(from, until, progress, cancellationToken);
            _logger.LogInformation(
                "Read {From} to {Until} from Home Assistant's statistics: {Slots} slots",
                InstantText.Format(report.From), InstantText.Format(until), report.SlotsWritten);
        }

        // What each counter showed at the end of the fill is what the next boundary restates when it has not changed
        // since: the statistics' reading at that very boundary when they reach it, else the last state received.
        var filled = await _etl.ReadBaselinesAsync(cancellationToken);
        foreach (var role in filled.Keys.Union(_pending.Keys).ToList())
        {
            var readings = Pending(role);
            CounterReading? latest = _lastClosed.TryGetValue(role, out var closed) ? closed : null;
            foreach (var reading in readings.Where(r => r.At <= until))
            {
                latest = latest is { } l && l.At > reading.At ? l : reading;
            }

            if (filled.TryGetValue(role, out var baseline) && baseline.At == until && (latest is null || latest.Value.At <= baseline.At))
            {
                latest = new CounterReading(baseline.At, baseline.Value, baseline.Unit);
            }

            if (latest is { } known)
            {
                _lastClosed[role] = known;
            }

            readings.RemoveAll(r => r.At <= until);
        }

        _pendingSoc.RemoveAll(r => r.At <= until);
        // The statistics covered the slots the database had refused.
        _unwritten.RemoveAll(u => u.Boundary <= until);
        _outageSince = null;
        _pricesDue |= outageSince is not null;
        Report(s => s with
        {
            RecordedUntil = s.RecordedUntil is { } recorded && recorded > until ? recorded : until,
            GapsFilled = s.GapsFilled + (outageSince is null ? 0 : 1),
            OutageSince = null,
        });
    }

    private async Task RefreshPricesIfDueAsync(CancellationToken cancellationToken)
    {
        _pricesDue = false;
        if (_prices is null)
        {
            return;
        }

        try
        {
            var horizon = await _prices.UpdateAsync(cancellationToken);
            Report(s => s with { Prices = horizon, PricesUpdatedAt = _time.GetUtcNow() });
        }
        catch (Exception e) when (e is HomeAssistantException or TimeoutException)
        {
            Report(s => s with { LastProblem = e.Message });
            _logger.LogWarning(e, "Prices not updated; the ones stored stay");
        }
        catch (UnitConversionException e)
        {
            // The price sensor does not fit the options (another currency or unit): the user must fix that, but the
            // energy goes on being recorded meanwhile.
            Report(s => s with { LastProblem = e.Message });
            _logger.LogError("Prices not updated: {Problem}", e.Message);
        }
        catch (Exception e) when (DatabaseFaults.IsDatabaseError(e) && !cancellationToken.IsCancellationRequested)
        {
            // Read again at the next slot boundary (the refresh is due while the stored ones are old).
            NoteFault(e, "prices not updated");
        }
    }

    private void DrainEvents(HomeAssistantSubscription<StateChangedEvent> subscription)
    {
        while (subscription.Reader.TryRead(out var change))
        {
            if (change.EntityId == _settings.NordpoolSensor)
            {
                _pricesDue = true;
                continue;
            }

            if (change.NewState is { } state)
            {
                Take(state);
            }
            else if (_byEntity.TryGetValue(change.EntityId, out var removed) && removed.Quantity is SensorQuantity.Energy)
            {
                Pending(removed.Role).Add(CounterReading.Gap(_time.GetUtcNow()));
            }
        }
    }

    private void DrainConnectionChanges()
    {
        while (_client.ConnectionChanges.TryRead(out var change))
        {
            Handle(change);
        }
    }

    private void Handle(ConnectionChange change)
    {
        // Connected needs nothing here: the next slot boundary fills the gap, once the resynchronised states are in.
        if (change.Status == ConnectionStatus.Disconnected)
        {
            NoteOutage();
            _logger.LogWarning("Home Assistant disconnected ({Reason}); the gap is filled from its statistics when it is back", change.Reason);
        }
    }

    private void NoteOutage()
    {
        // The client's own timestamps may run on another clock; what counts is where the recorder stood.
        _outageSince ??= Status.RecordedUntil ?? _time.GetUtcNow();
        Report(s => s with { OutageSince = _outageSince });
    }

    private void Take(EntityState state)
    {
        if (!_byEntity.TryGetValue(state.EntityId, out var sensor))
        {
            return;
        }

        var value = state.TryGetNumber(out var number) ? number : (double?)null;
        if (sensor.Role == SensorRole.BatterySoc)
        {
            _pendingSoc.Add(new SocReading(state.LastUpdated, value is { } v ? UnitConverter.ToPercent(v, state.UnitOfMeasurement ?? "%", sensor.EntityId) : null));
            return;
        }

        Pending(sensor.Role).Add(new CounterReading(state.LastUpdated, value, state.UnitOfMeasurement));
    }

    private List<CounterReading> Pending(SensorRole role)
    {
        if (!_pending.TryGetValue(role, out var list))
        {
            list = [];
            _pending[role] = list;
        }

        return list;
    }

    private void Report(Func<LiveRecorderStatus, LiveRecorderStatus> change)
    {
        TaskCompletionSource changed;
        lock (_statusGate)
        {
            _status = change(_status);
            changed = _statusChanged;
            _statusChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }


    /// <summary>Logs a long read of the past every tenth of the way, not every day.</summary>
    private sealed class HistoryProgress(ILogger logger, int minimumDays = 0) : IProgress<(int Done, int Total)>
    {
        private int _lastTenth = -1;

        public void Report((int Done, int Total) value)
        {
            if (value.Total < minimumDays)
            {
                // A short gap after an outage: the summary line says enough.
                return;
            }

            var tenth = value.Total == 0 ? 10 : value.Done * 10 / value.Total;
            if (tenth > _lastTenth)
            {
                _lastTenth = tenth;
                logger.LogInformation("Read {Done} of {Total} days of history", value.Done, value.Total);
            }
        }
    }
}
