using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Native;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Training;

/// <summary>
/// Retrains Aurora weekly at <c>forecasting.retrain_weekday</c> and <c>retrain_time</c> (<see cref="NextRetrain"/>, local),
/// at once when the retrain button is pressed, and at start when the current model cannot be used (none yet, or one
/// written by an older version of Darkstar): then after the recorder has read the home's past, but not later than
/// <see cref="HistoryPatience"/>.
/// </summary>
public sealed class RetrainLoop(
    AuroraTrainingService training,
    IHomeHistoryReader history,
    ForecastingOptions options,
    TimeZoneInfo zone,
    ServiceTriggers triggers,
    LoopContext context,
    ILogger<RetrainLoop> logger) : ServiceLoop(LoopName, context, logger)
{
    /// <summary>The name <c>/health</c> shows the retraining under.</summary>
    public const string LoopName = "retrain";

    /// <summary>How long training at start waits for the recorder to have read the home's past.</summary>
    public static readonly TimeSpan HistoryPatience = TimeSpan.FromHours(1);

    protected override string Activity => "retraining";

    protected override LoopTrigger Trigger => triggers.Retrain;

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

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => NextRetrain(roundStarted, options, zone);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        if (reason == StartReason)
        {
            if (await training.TrainAtStartReasonAsync(cancellationToken) is not { } startReason)
            {
                return RoundOutcome.Unreported;
            }

            await WaitForHistoryAsync(cancellationToken);
            reason = startReason;
        }
        else if (reason == ScheduleReason)
        {
            reason = "weekly schedule";
        }

        try
        {
            var result = await training.TrainAsync(options.TrainingDays, cancellationToken);
            Logger.LogInformation("Retraining ({Reason}): {Summary}", reason, result.Summary);
        }
        catch (InsufficientTrainingDataException e)
        {
            // Too little clean history is a state time ends; the current forecasts stay in use.
            Logger.LogWarning("Retraining ({Reason}) skipped: {Message}", reason, e.Message);
        }
        finally
        {
            MallocArenas.ReleaseFreed();
        }

        return RoundOutcome.Succeeded;
    }

    /// <summary>
    /// After the recorder has read the home's past (at a first start), but not later than an hour: with Home Assistant out
    /// of reach the recorder may not start, and the weekly schedule must not wait on it.
    /// </summary>
    private async Task WaitForHistoryAsync(CancellationToken cancellationToken)
    {
        var until = Clock.GetUtcNow() + HistoryPatience;
        try
        {
            await WaitOutsideAsync(token => history.WaitUntilFollowingAsync(token).WaitAsync(HistoryPatience, Clock, token), until, cancellationToken);
        }
        catch (TimeoutException)
        {
            Logger.LogWarning("The recorder has not read the home's past within {Patience}; training on what is stored", HistoryPatience);
        }
    }
}
