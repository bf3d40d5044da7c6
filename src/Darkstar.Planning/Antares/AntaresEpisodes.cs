using System.Text.Json;
using System.Text.Json.Serialization;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Planning.Antares;

/// <summary>An episode's inputs: the slot and the state Antares saw at its start (<see cref="AntaresState"/>).</summary>
public sealed record EpisodeInputs(
    [property: JsonPropertyName("slot_start")] DateTimeOffset SlotStart,
    [property: JsonPropertyName("state")] double[] State);

/// <summary>
/// An episode's decisions, kWh: what the MPC had planned for the slot and what was carried out (the imitation targets).
/// On a <c>mask_battery</c> day the battery's measurements are not trusted: the targets are null and <see cref="BatteryMasked"/> set.
/// </summary>
public sealed record EpisodeDecisions(
    [property: JsonPropertyName("planned_charge_kwh")] double PlannedChargeKwh,
    [property: JsonPropertyName("planned_discharge_kwh")] double PlannedDischargeKwh,
    [property: JsonPropertyName("planned_export_kwh")] double PlannedExportKwh,
    [property: JsonPropertyName("charge_kwh")] double? ChargeKwh,
    [property: JsonPropertyName("discharge_kwh")] double? DischargeKwh,
    [property: JsonPropertyName("export_kwh")] double? ExportKwh,
    [property: JsonPropertyName("battery_masked")] bool BatteryMasked);

/// <summary>An episode's outcome: the slot's realised cost (import cost − export revenue + wear) and its grid energy.</summary>
public sealed record EpisodeMetrics(
    [property: JsonPropertyName("cost")] double Cost,
    [property: JsonPropertyName("import_kwh")] double ImportKwh,
    [property: JsonPropertyName("export_kwh")] double ExportKwh);

/// <summary>
/// Antares's training episodes (<c>training_episodes</c>), one row per executed slot: the state, the MPC's decision and
/// the realised cost. The service records <see cref="Live"/> ones, replays <see cref="Simulation"/> ones. Days are gated
/// by their data-quality verdict: an <c>exclude</c> day (or one never judged) is left out, a <c>mask_battery</c> day keeps
/// its inputs and has its battery targets masked.
/// </summary>
public static class AntaresEpisodes
{
    public const string Live = "live";
    public const string Simulation = "simulation";

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The episodes of a closed-loop run's whole local days that <paramref name="quality"/> lets in.</summary>
    public static IReadOnlyList<TrainingEpisode> FromClosedLoop(
        ClosedLoopResult result, ActualSeries actual, TimeZoneInfo zone, BatterySpec battery, GridSpec grid,
        IReadOnlyDictionary<DateOnly, DayQualityStatus> quality, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(quality);
        var episodes = new List<TrainingEpisode>(result.MpcSlots.Count);
        foreach (var group in result.MpcSlots.GroupBy(s => SlotGrid.LocalDateOf(s.Start, zone)))
        {
            var slots = group.ToList();
            if (!quality.TryGetValue(group.Key, out var status) || status == DayQualityStatus.Exclude
                || slots.Count != SlotGrid.LocalDay(group.Key, zone).Count)
            {
                continue;
            }

            var day = AntaresDay.From(actual, group.Key, zone, battery, grid);
            var masked = status == DayQualityStatus.MaskBattery;
            for (var t = 0; t < slots.Count; t++)
            {
                var s = slots[t];
                episodes.Add(Episode(group.Key, Simulation, null, createdAt, AntaresState.Of(day, t, s.SocStartKwh), s, masked));
            }
        }

        return episodes;
    }

    /// <summary>One slot's episode row.</summary>
    public static TrainingEpisode Episode(DateOnly day, string systemId, long? planId, DateTimeOffset createdAt, double[] state, ClosedLoopSlot slot, bool batteryMasked)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return new TrainingEpisode
        {
            Day = day,
            SystemId = systemId,
            PlanId = planId,
            CreatedAt = InstantText.Truncate(createdAt),
            InputsJson = JsonSerializer.Serialize(new EpisodeInputs(slot.Start, state), Json),
            DecisionsJson = JsonSerializer.Serialize(new EpisodeDecisions(
                slot.PlannedChargeKwh, slot.PlannedDischargeKwh, slot.PlannedExportKwh,
                batteryMasked ? null : slot.ChargeKwh, batteryMasked ? null : slot.DischargeKwh, batteryMasked ? null : slot.ExportKwh, batteryMasked), Json),
            MetricsJson = JsonSerializer.Serialize(new EpisodeMetrics(slot.Cost, slot.ImportKwh, slot.ExportKwh), Json),
        };
    }

    public static EpisodeInputs Inputs(TrainingEpisode episode) =>
        JsonSerializer.Deserialize<EpisodeInputs>(episode?.InputsJson ?? throw new ArgumentNullException(nameof(episode)), Json)
        ?? throw new JsonException($"Episode {episode.Id} has no inputs.");

    public static EpisodeDecisions Decisions(TrainingEpisode episode) =>
        JsonSerializer.Deserialize<EpisodeDecisions>(episode?.DecisionsJson ?? throw new ArgumentNullException(nameof(episode)), Json)
        ?? throw new JsonException($"Episode {episode.Id} has no decisions.");
}
