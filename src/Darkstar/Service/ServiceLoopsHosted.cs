using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Learning.Recording;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>
/// One <see cref="ForecastRunner"/> round at start and at every quarter hour, its outcome reported to
/// <see cref="ServiceHealth"/>; a new round asks for no re-plan (the planner reads the latest issue when it plans).
/// </summary>
public sealed class ForecastLoop(ForecastRunner runner, ServiceHealth health, TimeProvider clock, ILogger<ForecastLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Register(ServiceLoops.Forecaster);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // The next round is due at the quarter hour after this one's start: a round that ran past it runs again at once.
                var due = SlotGrid.StartOf(SlotGrid.IndexOf(clock.GetUtcNow()) + 1);
                try
                {
                    var round = await runner.RunOnceAsync(stoppingToken);
                    health.Succeeded(ServiceLoops.Forecaster);
                    logger.LogDebug("Forecast round at {At}: {Versions}", InstantText.Format(round.IssuedAt), string.Join(", ", round.SlotsByVersion.Keys));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed round must not stop the next: the planner reads older issues meanwhile.
                    logger.LogError(e, "Forecasting round failed; trying again at the next quarter hour");
                    health.Failed(ServiceLoops.Forecaster, $"forecasting failed: {e.Message}");
                }

                await ClockWait.UntilAsync(due, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

/// <summary>
/// Retrains Aurora weekly at <c>forecasting.retrain_weekday</c> and <c>retrain_time</c>
/// (<see cref="RetrainBackgroundService.NextRetrain"/>), at once when the retrain button is pressed, and at start when
/// the current model cannot be used (one written by an older version of Darkstar).
/// </summary>
public sealed class RetrainLoop(
    AuroraTrainingService training,
    Func<CancellationToken, Task> historyRead,
    ForecastingOptions options,
    TimeZoneInfo zone,
    ServiceTriggers triggers,
    ServiceHealth health,
    TimeProvider clock,
    ILogger<RetrainLoop> logger) : BackgroundService
{
    /// <summary>How long training at start waits for the recorder to have read the home's past.</summary>
    public static readonly TimeSpan HistoryPatience = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Register(ServiceLoops.Retrain);
        try
        {
            if (await training.TrainAtStartReasonAsync(stoppingToken) is { } startReason)
            {
                // After the recorder has read the home's past (at a first start), but not later than an hour: with Home
                // Assistant out of reach the recorder may not start, and the weekly schedule must not wait on it.
                try
                {
                    await historyRead(stoppingToken).WaitAsync(HistoryPatience, clock, stoppingToken);
                }
                catch (TimeoutException)
                {
                    logger.LogWarning("The recorder has not read the home's past within {Patience}; training on what is stored", HistoryPatience);
                }

                await RetrainAsync(startReason, stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                var next = RetrainBackgroundService.NextRetrain(now, options, zone);
                var reason = await triggers.Retrain.WaitUntilAsync(next, clock, stoppingToken) ?? "weekly schedule";
                await RetrainAsync(reason, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RetrainAsync(string reason, CancellationToken cancellationToken)
    {
        try
        {
            var result = await training.TrainAsync(options.TrainingDays, cancellationToken);
            logger.LogInformation("Retraining ({Reason}): {Summary}", reason, result.Summary);
            health.Succeeded(ServiceLoops.Retrain);
        }
        catch (InsufficientTrainingDataException e)
        {
            // Too little clean history is a state time ends; the current forecasts stay in use.
            logger.LogWarning("Retraining ({Reason}) skipped: {Message}", reason, e.Message);
            health.Succeeded(ServiceLoops.Retrain);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Retraining ({Reason}) failed; the current model stays in use", reason);
            health.Failed(ServiceLoops.Retrain, $"retraining failed: {e.Message}");
        }
        finally
        {
            MallocArenas.ReleaseFreed();
        }
    }
}

/// <summary>
/// Watches the live recorder a moment after every slot boundary: reports its health (an outage of Home Assistant, a
/// slot not recorded), and asks for a re-plan when new prices arrived or the measured SoC is far off the plan's.
/// </summary>
public sealed class RecorderWatch(
    LiveRecorder recorder,
    SlotObservationRepository observations,
    PlanRepository plans,
    ServiceTriggers triggers,
    ServiceHealth health,
    TimeProvider clock,
    ILogger<RecorderWatch> logger) : BackgroundService
{
    /// <summary>Percentage points between the measured and the planned SoC at a slot's end that call for a new plan.</summary>
    public const double SocDriftPercent = 10;

    /// <summary>How often the watch looks (on the service's clock).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _pricesKnownUntil;
    private DateTimeOffset? _socCheckedFor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Register(ServiceLoops.Recorder);
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            do
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Checking the recorder failed");
                    health.Failed(ServiceLoops.Recorder, $"checking the recorder failed: {e.Message}");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var status = recorder.Status;
        // A slot is closed a few seconds after its end: one slot behind, with a slot's grace, is on time.
        var due = SlotGrid.Floor(now) - TimeSpan.FromMinutes(SlotGrid.MinutesPerSlot);
        if (status.OutageSince is { } since)
        {
            health.Failed(ServiceLoops.Recorder, $"Home Assistant unreachable since {InstantText.Format(since)}", counts: false);
        }
        else if (status.RecordedUntil is { } until && until < due)
        {
            health.Failed(ServiceLoops.Recorder, $"slots recorded only until {InstantText.Format(until)}{(status.LastProblem is { } p ? $": {p}" : "")}", counts: false);
        }
        else if (status.RecordedUntil is not null)
        {
            health.Succeeded(ServiceLoops.Recorder);
        }

        var knownUntil = status.Prices?.KnownUntil;
        if (knownUntil is not null && knownUntil != _pricesKnownUntil)
        {
            // The first prices too: a plan tried before them found none for the current slot.
            _pricesKnownUntil = knownUntil;
            triggers.Replan.Request($"new prices until {InstantText.Format(knownUntil.Value)}");
        }

        await CheckSocAsync(now, cancellationToken);
    }

    private async Task CheckSocAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lastSlot = SlotGrid.Floor(now) - TimeSpan.FromMinutes(SlotGrid.MinutesPerSlot);
        if (_socCheckedFor == lastSlot)
        {
            return;
        }

        var observed = await observations.ReadRangeAsync(new SlotRange(SlotGrid.IndexOf(lastSlot), 1), cancellationToken);
        if (observed.Count == 0 || observed[0].SocEndPercent is not { } measured)
        {
            return;
        }

        _socCheckedFor = lastSlot;
        var plan = await plans.ReadLatestAsync(cancellationToken);
        if (plan is null)
        {
            return;
        }

        var planned = (await plans.ReadSlotsAsync(plan.Id, cancellationToken)).FirstOrDefault(s => s.SlotStart == lastSlot);
        if (planned is not null && Math.Abs(planned.SocEndPercent - measured) > SocDriftPercent)
        {
            triggers.Replan.Request($"SoC {measured:0.#}% is far off the planned {planned.SocEndPercent:0.#}%");
        }
    }
}

/// <summary>
/// Once a day, half an hour after local midnight (when yesterday's last slot is recorded): the Oracle on yesterday, so
/// the MQTT entities show yesterday's realised cost and the Oracle regret. Also at start, for a yesterday not yet run.
/// </summary>
public sealed class OracleLoop(
    Planning.Kepler.OracleRunner oracle,
    OracleResultRepository results,
    DarkstarOptions options,
    TimeZoneInfo zone,
    ServiceHealth health,
    TimeProvider clock,
    ILogger<OracleLoop> logger) : BackgroundService
{
    public const string LoopName = "oracle";

    private static readonly TimeSpan AfterMidnight = TimeSpan.FromMinutes(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Register(LoopName);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                var yesterday = SlotGrid.LocalDateOf(now, zone).AddDays(-1);
                if ((await results.ReadRangeAsync(yesterday, yesterday, stoppingToken)).Count == 0)
                {
                    await RunAsync(yesterday, stoppingToken);
                }

                var next = SlotGrid.StartOfLocalDay(SlotGrid.LocalDateOf(now, zone).AddDays(1), zone) + AfterMidnight;
                await ClockWait.UntilAsync(next, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunAsync(DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await oracle.RunAsync(day, options, zone, cancellationToken);
            logger.LogInformation("Oracle for {Day}: {Summary}", day, Planning.Kepler.OracleRunner.Describe(outcome));
            health.Succeeded(LoopName);
        }
        catch (Planning.Kepler.PlanningInputException e)
        {
            // A day without whole data (the first day of a new install) has no Oracle; that is not a fault.
            logger.LogInformation("No Oracle for {Day}: {Reason}", day, e.Message);
            health.Succeeded(LoopName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The Oracle for {Day} failed", day);
            health.Failed(LoopName, $"the Oracle failed: {e.Message}");
        }
    }
}

/// <summary>
/// Keeps the weather forecast fresh for Aurora: Open-Meteo's forecast (<c>forecasting.weather_url</c>) at start and
/// every hour, and once a day the archive's observed weather of the last two days. A failed fetch keeps the last
/// forecast in use; the loop reports a problem only once that forecast is stale.
/// </summary>
public sealed class WeatherLoop(
    Learning.Weather.WeatherUpdater updater,
    ServiceHealth health,
    TimeProvider clock,
    ILogger<WeatherLoop> logger) : BackgroundService
{
    /// <summary>How often the forecast is fetched (on the service's clock).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    private DateOnly? _observedFetchedOn;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Register(ServiceLoops.Weather);
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var forecast = await updater.UpdateForecastAsync(cancellationToken);
            if (forecast.Problem is null)
            {
                logger.LogDebug("Weather forecast updated: {Slots} slots", forecast.SlotsWritten);
                health.Succeeded(ServiceLoops.Weather);
            }
            else if (forecast.IsStale)
            {
                // Not an error of the service (Open-Meteo is away); the status shows it until a fetch succeeds.
                health.Failed(ServiceLoops.Weather, $"weather forecast stale ({forecast.Problem})", counts: false);
            }

            await UpdateObservedAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Updating the weather failed");
            health.Failed(ServiceLoops.Weather, $"updating the weather failed: {e.Message}");
        }
    }

    private async Task UpdateObservedAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (_observedFetchedOn == today)
        {
            return;
        }

        try
        {
            var written = await updater.UpdateObservedAsync(today.AddDays(-2), today.AddDays(-1), cancellationToken);
            _observedFetchedOn = today;
            logger.LogDebug("Observed weather updated: {Slots} slots", written);
        }
        catch (Exception e) when (e is HttpRequestException or Learning.Weather.OpenMeteoException)
        {
            // The archive lags a few days behind on Open-Meteo's side; the next hour tries again.
            logger.LogWarning("Observed weather not updated: {Message}", e.Message);
        }
    }
}
