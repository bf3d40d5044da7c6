using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Planning.Antares;

/// <summary>
/// Records the live episodes (<see cref="AntaresEpisodes.Live"/>): once a day, 45 minutes after local midnight (when
/// yesterday is recorded and judged), every slot of yesterday the executor carried out, with the state Antares would have
/// seen, the decision of the plan the executor followed and the realised cost. Gated as every episode is: an
/// <c>exclude</c> day is left out, a <c>mask_battery</c> day has its battery targets masked. It runs beside the executor,
/// never inside its tick.
/// </summary>
public sealed class LiveEpisodeLoop(
    DarkstarDatabase database,
    DarkstarOptions options,
    TimeZoneInfo zone,
    LoopContext context,
    ILogger<LiveEpisodeLoop> logger) : DailyAfterMidnightLoop(LoopName, TimeSpan.FromMinutes(45), zone, context, logger)
{
    /// <summary>The name <c>/health</c> shows the loop under.</summary>
    public const string LoopName = "episodes";

    protected override string Activity => "recording Antares episodes";

    protected override async Task<RoundOutcome> RoundForAsync(DateOnly yesterday, CancellationToken cancellationToken)
    {
        var recorded = await new LiveEpisodeRecorder(database, options, Zone).RecordAsync(yesterday, Clock.GetUtcNow(), cancellationToken);
        Logger.LogInformation("Antares episodes for {Day}: {Outcome}", DayText.Format(yesterday), recorded.Describe());
        return RoundOutcome.Succeeded;
    }
}

/// <summary>What recording a day gave: slots written, or why none.</summary>
public sealed record EpisodeDayOutcome(int Slots, string? Skipped)
{
    public string Describe() => Skipped ?? $"{Slots} slots recorded";
}

/// <summary>Builds a day's live episodes from the database: observations, prices, the execution log and the plans it followed.</summary>
public sealed class LiveEpisodeRecorder(DarkstarDatabase database, DarkstarOptions options, TimeZoneInfo zone)
{
    public async Task<EpisodeDayOutcome> RecordAsync(DateOnly day, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var verdicts = await new DataQualityRepository(database).ReadRangeAsync(day, day, cancellationToken);
        var verdict = verdicts.Count > 0 ? verdicts[0] : null;
        if (verdict is null || verdict.Status == DayQualityStatus.Exclude)
        {
            return new EpisodeDayOutcome(0, verdict is null ? "the day is not judged yet" : $"the day is excluded ({verdict.Reason})");
        }

        var slots = SlotGrid.LocalDay(day, zone);
        var executed = (await new ExecutionLogRepository(database).ReadRangeAsync(slots.Start, slots.End, cancellationToken))
            .Where(r => r.PlanId is not null && !r.Shadow)
            .GroupBy(r => SlotGrid.IndexOf(r.SlotStart))
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.ExecutedAt).Last().PlanId!.Value);
        if (executed.Count == 0)
        {
            return new EpisodeDayOutcome(0, "the executor carried out no slot of a plan that day");
        }

        var observations = new SlotObservationRepository(database);
        var actual = await ActualSeriesReader.ReadAroundAsync(observations, new PriceRepository(database), slots, cancellationToken);
        var battery = BatterySpec.FromOptions(options.Battery);
        AntaresDay antaresDay;
        try
        {
            antaresDay = AntaresDay.From(actual, day, zone, battery, GridSpec.FromOptions(options.Grid));
        }
        catch (ArgumentException e)
        {
            return new EpisodeDayOutcome(0, e.Message);
        }

        var rows = (await observations.ReadRangeAsync(slots, cancellationToken)).ToDictionary(o => SlotGrid.IndexOf(o.SlotStart));
        var plans = new Dictionary<long, Dictionary<long, SlotPlan>>();
        var planRepository = new PlanRepository(database);
        var masked = verdict.Status == DayQualityStatus.MaskBattery;
        var episodes = new List<TrainingEpisode>();
        for (var t = 0; t < slots.Count; t++)
        {
            var index = slots.FirstIndex + t;
            if (!executed.TryGetValue(index, out var planId) || !rows.TryGetValue(index, out var o))
            {
                continue;
            }

            if (!plans.TryGetValue(planId, out var planned))
            {
                planned = (await planRepository.ReadSlotsAsync(planId, cancellationToken)).ToDictionary(s => SlotGrid.IndexOf(s.SlotStart));
                plans[planId] = planned;
            }

            var slot = planned.GetValueOrDefault(index);
            var importKwh = o.ImportKwh ?? 0;
            var exportKwh = o.ExportKwh ?? 0;
            var charge = o.BatteryChargeKwh ?? 0;
            var discharge = o.BatteryDischargeKwh ?? 0;
            var importPrice = antaresDay.Problem.ImportPrice[t];
            var exportPrice = antaresDay.Problem.ExportPrice[t];
            var executedSlot = new ClosedLoopSlot(
                slots[t], battery.ToKwh(o.SocStartPercent ?? battery.MinSocPercent), antaresDay.Problem.LoadKwh[t], antaresDay.Problem.PvKwh[t],
                slot?.ChargeKwh ?? 0, slot?.DischargeKwh ?? 0, slot?.ExportKwh ?? 0, charge, discharge, importKwh, exportKwh, importPrice, exportPrice,
                (importKwh * importPrice) - (exportKwh * exportPrice) + ((charge + discharge) * battery.CycleCostPerKwh));
            var state = AntaresState.Of(antaresDay, t, executedSlot.SocStartKwh);
            // A slot without its SoC or battery meters cannot say what the battery did: its targets are masked.
            var slotMasked = masked || o.SocStartPercent is null || o.BatteryChargeKwh is null || o.BatteryDischargeKwh is null;
            episodes.Add(AntaresEpisodes.Episode(day, AntaresEpisodes.Live, planId, now, state, executedSlot, slotMasked));
        }

        await new TrainingEpisodeRepository(database).ReplaceAsync(AntaresEpisodes.Live, day, day, episodes, cancellationToken);
        return new EpisodeDayOutcome(episodes.Count, null);
    }
}
