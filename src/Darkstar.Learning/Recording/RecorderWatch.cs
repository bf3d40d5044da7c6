using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Recording;

/// <summary>
/// Watches the live recorder a moment after every slot boundary: reports its health (an outage of Home Assistant, a
/// slot not recorded), and asks for a re-plan when new prices arrived or the measured SoC is far off the plan's.
/// </summary>
public sealed class RecorderWatch(
    LiveRecorder recorder,
    SlotObservationRepository observations,
    PlanRepository plans,
    ServiceTriggers triggers,
    LoopContext context,
    ILogger<RecorderWatch> logger) : ServiceLoop(LoopName, context, logger)
{
    /// <summary>The name <c>/health</c> shows the recorder under.</summary>
    public const string LoopName = "recorder";

    /// <summary>Percentage points between the measured and the planned SoC at a slot's end that call for a new plan.</summary>
    public const double SocDriftPercent = 10;

    /// <summary>How often the watch looks (on the service's clock).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _pricesKnownUntil;
    private DateTimeOffset? _socCheckedFor;

    protected override string Activity => "checking the recorder";

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => EveryPeriod(roundStarted, Period);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        var status = recorder.Status;
        // A slot is closed a few seconds after its end: one slot behind, with a slot's grace, is on time.
        var due = SlotGrid.Floor(now) - SlotGrid.SlotLength;
        if (status.OutageSince is not null || recorder.TokenRefused is not null)
        {
            // Home Assistant away, or an outage not filled yet: the status says so from the connection itself, so that it
            // clears the moment Home Assistant is back; the recorder has done what it can.
            Health.Succeeded(Name);
        }
        else if (status.Fault is { } fault)
        {
            Health.Failed(Name, fault, counts: false);
        }
        else if (status.RecordedUntil is { } until && until < due)
        {
            Health.Failed(Name, $"slots recorded only until {InstantText.Format(until)}{(status.LastProblem is { } p ? $": {p}" : "")}", counts: false);
        }
        else if (status.RecordedUntil is not null)
        {
            Health.Succeeded(Name);
        }

        var knownUntil = status.Prices?.KnownUntil;
        if (knownUntil is not null && knownUntil != _pricesKnownUntil)
        {
            // The first prices too: a plan tried before them found none for the current slot.
            _pricesKnownUntil = knownUntil;
            triggers.Replan.Request($"new prices until {InstantText.Format(knownUntil.Value)}");
        }

        await CheckSocAsync(now, cancellationToken);
        return RoundOutcome.Unreported;
    }

    private async Task CheckSocAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lastSlot = SlotGrid.Floor(now) - SlotGrid.SlotLength;
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
