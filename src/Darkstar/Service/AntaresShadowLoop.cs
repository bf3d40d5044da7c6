using System.Globalization;
using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>
/// Antares in shadow (<c>planner.antares_shadow</c>, off by default): at the start of every slot the latest trained
/// imitation policy decides from the state Antares sees, and its decision is logged beside the MPC's. Nothing of it is
/// executed: the executor follows the MPC's plan alone.
/// </summary>
internal sealed class AntaresShadowLoop(
    DarkstarDatabase database,
    DarkstarOptions options,
    TimeZoneInfo zone,
    LoopContext context,
    ILogger<AntaresShadowLoop> logger) : ServiceLoop(LoopName, context, logger)
{
    public const string LoopName = "antares-shadow";

    /// <summary>How many of the latest decisions are kept to be read back (a day's slots).</summary>
    private const int KeptDecisions = SlotGrid.SlotsPerUtcDay;

    private readonly Lock _gate = new();
    private readonly Queue<AntaresShadowDecision> _decisions = new();
    private AntaresPolicy? _policy;
    private long _policyRun;

    /// <summary>The latest decisions, oldest first: what the policy would have had the executor run, never run.</summary>
    public IReadOnlyList<AntaresShadowDecision> Decisions
    {
        get
        {
            lock (_gate)
            {
                return [.. _decisions];
            }
        }
    }

    protected override string Activity => "Antares in shadow";

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => SlotGrid.Floor(roundStarted) + SlotGrid.SlotLength + TimeSpan.FromMinutes(1);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        var run = (await new AntaresTrainingRunRepository(database).ReadAllAsync(cancellationToken))
            .LastOrDefault(r => r.Status == RunStatus.Succeeded && r.ModelType == AntaresPolicy.MpcClone && r.ArtifactPath is not null && AntaresPolicy.CanLoad(r.ArtifactPath));
        if (run is null)
        {
            return RoundOutcome.Degraded("no trained Antares policy: run darkstar antares train");
        }

        if (_policyRun != run.Id)
        {
            _policy?.Dispose();
            _policy = AntaresPolicy.Load(run.ArtifactPath!);
            _policyRun = run.Id;
        }

        var now = Clock.GetUtcNow();
        var day = SlotGrid.LocalDateOf(now, zone);
        var slots = SlotGrid.LocalDay(day, zone);
        var observations = new SlotObservationRepository(database);
        var actual = await ActualSeriesReader.ReadAroundAsync(observations, new PriceRepository(database), slots, cancellationToken);
        var battery = BatterySpec.FromOptions(options.Battery);
        var antaresDay = AntaresDay.Known(actual, day, zone, battery, GridSpec.FromOptions(options.Grid));
        var t = (int)(SlotGrid.IndexOf(now) - slots.FirstIndex);
        var latest = (await observations.ReadRangeAsync(new SlotRange(SlotGrid.IndexOf(now) - SlotGrid.SlotsPerUtcDay, SlotGrid.SlotsPerUtcDay), cancellationToken))
            .LastOrDefault(o => o.SocEndPercent is not null);
        var soc = battery.ToKwh(latest?.SocEndPercent ?? battery.MinSocPercent);
        var intent = _policy!.Decide(AntaresState.Of(antaresDay, t, soc), battery);
        Logger.LogInformation(
            "Antares (shadow, run {Run}) for {Slot}: {Mode}, target SoC {Target} %, floor {Floor} %, charge {Charge} kWh, discharge {Discharge} kWh; not executed",
            run.Id, InstantText.Format(slots[t]), intent.Mode, intent.TargetSocPercent.ToString("0.0", CultureInfo.InvariantCulture),
            intent.FloorSocPercent.ToString("0.0", CultureInfo.InvariantCulture), intent.ChargeKwh.ToString("0.000", CultureInfo.InvariantCulture),
            intent.DischargeKwh.ToString("0.000", CultureInfo.InvariantCulture));
        lock (_gate)
        {
            _decisions.Enqueue(new AntaresShadowDecision(run.Id, slots[t], intent));
            while (_decisions.Count > KeptDecisions)
            {
                _decisions.Dequeue();
            }
        }

        return RoundOutcome.Succeeded;
    }

    public override void Dispose()
    {
        _policy?.Dispose();
        base.Dispose();
    }
}

/// <summary>One decision of the policy in shadow: the run that decided, the slot and what it would have had the executor run.</summary>
internal sealed record AntaresShadowDecision(long Run, DateTimeOffset Slot, ExecutorIntent Intent);
