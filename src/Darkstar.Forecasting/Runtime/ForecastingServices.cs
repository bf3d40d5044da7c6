using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Runtime;

/// <summary>Runs a <see cref="ForecastRunner"/> round at every quarter hour, on the injected clock.</summary>
public sealed class ForecastBackgroundService(ForecastRunner runner, TimeProvider time, ILogger<ForecastBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed round must not stop the next: the planner falls back to older issues meanwhile.
                logger.LogError(e, "Forecasting round failed; trying again at the next quarter hour");
            }

            var now = time.GetUtcNow();
            await Task.Delay(SlotGrid.StartOf(SlotGrid.IndexOf(now) + 1) - now, time, stoppingToken);
        }
    }
}

/// <summary>Retrains Aurora once a week at <c>forecasting.retrain_weekday</c> and <c>retrain_time</c> (local).</summary>
public sealed class RetrainBackgroundService(
    AuroraTrainingService training,
    ForecastingOptions options,
    TimeZoneInfo zone,
    TimeProvider time,
    ILogger<RetrainBackgroundService> logger) : BackgroundService
{
    /// <summary>The first retrain instant strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextRetrain(DateTimeOffset now, ForecastingOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(options);
        var today = SlotGrid.LocalDateOf(now, zone);
        for (var d = 0; d <= 7; d++)
        {
            var day = today.AddDays(d);
            if (day.DayOfWeek != options.RetrainWeekday)
            {
                continue;
            }

            var local = day.ToDateTime(options.RetrainTime, DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(15);
            }

            var at = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
            if (at > now)
            {
                return at;
            }
        }

        return NextRetrain(now.AddDays(1), options, zone);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = NextRetrain(now, options, zone);
            logger.LogInformation("Next Aurora retraining at {At}", InstantText.Format(next));
            await Task.Delay(next - now, time, stoppingToken);
            try
            {
                var result = await training.TrainAsync(options.TrainingDays, stoppingToken);
                logger.LogInformation("Weekly retraining: {Summary}", result.Summary);
            }
            catch (InsufficientTrainingDataException e)
            {
                logger.LogWarning("Weekly retraining skipped: {Message}", e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Weekly retraining failed; the current model stays in use");
            }
        }
    }
}
