using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;

namespace Darkstar.Planning.Kepler;

/// <summary>One day measured against perfect hindsight: the Oracle's schedule, the baselines, and the day as it happened.</summary>
public sealed record OracleOutcome(OracleDayResult Result, Schedule Oracle, Schedule NoBattery, Schedule SelfConsumption, double? RealisedCost);

/// <summary>
/// The Oracle: the Kepler model on one local day's actual load, PV and prices (slot_observations and prices),
/// with no safety margin, from the day's first measured SoC. Its cost is the lower bound the day's plans are
/// measured against; the row goes to <c>oracle_daily_results</c>.
/// </summary>
public sealed class OracleRunner(DarkstarDatabase database, TimeProvider clock)
{
    private readonly SlotObservationRepository _observations = new(database);
    private readonly PriceRepository _prices = new(database);
    private readonly OracleResultRepository _results = new(database);

    public async Task<OracleOutcome> RunAsync(DateOnly day, DarkstarOptions options, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        var slots = SlotGrid.LocalDay(day, zone);
        var observations = (await _observations.ReadRangeAsync(slots, cancellationToken)).ToDictionary(o => SlotGrid.IndexOf(o.SlotStart));
        var prices = (await _prices.ReadRangeAsync(slots, cancellationToken)).ToDictionary(p => SlotGrid.IndexOf(p.SlotStart));
        var missingLoad = slots.Count(s => !observations.TryGetValue(SlotGrid.IndexOf(s), out var o) || o.LoadKwh is null);
        var missingPrice = slots.Count(s => !prices.ContainsKey(SlotGrid.IndexOf(s)));
        if (missingLoad > 0 || missingPrice > 0)
        {
            throw new PlanningInputException(
                $"{DayText.Format(day)} is not complete: {missingLoad} of {slots.Count} slots have no observed load and {missingPrice} no price.");
        }

        var battery = BatterySpec.FromOptions(options.Battery);
        var water = WaterHeatingSpec.FromOptions(options.WaterHeating);
        var rows = slots.Select(s => observations[SlotGrid.IndexOf(s)]).ToList();
        var waterKwh = rows.Select(o => water.Enabled ? o.WaterKwh ?? 0 : 0).ToArray();
        var first = rows.FirstOrDefault(o => o.SocStartPercent is not null);
        var problem = new PlanningProblem
        {
            Slots = slots,
            // The water heater's energy is flexible in the model: the rest of the load is what it must serve.
            LoadKwh = [.. rows.Select(o => o.UnplannedLoadKwh(water.Enabled)!.Value)],
            PvKwh = [.. rows.Select(o => o.PvKwh ?? 0)],
            ImportPrice = [.. slots.Select(s => prices[SlotGrid.IndexOf(s)].ImportPrice)],
            ExportPrice = [.. slots.Select(s => prices[SlotGrid.IndexOf(s)].ExportPrice)],
            InitialSocPercent = first?.SocStartPercent ?? battery.MinSocPercent,
            Battery = battery,
            Grid = GridSpec.FromOptions(options.Grid),
            // The day heated what it heated: the Oracle must heat as much, when it likes, in the same blocks.
            Water = water.Enabled ? water with { MinKwhPerDay = waterKwh.Sum() } : WaterHeatingSpec.Disabled,
            TimeZone = zone,
        };

        var oracle = KeplerModel.Solve(problem);
        var noBattery = Baselines.NoBattery(problem);
        var selfConsumption = Baselines.SelfConsumption(problem);
        double? realised = rows.All(o => o.ImportKwh is not null && o.ExportKwh is not null && o.ImportPrice is not null && o.ExportPrice is not null)
            ? rows.Sum(o => (o.ImportKwh!.Value * o.ImportPrice!.Value) - (o.ExportKwh!.Value * o.ExportPrice!.Value)
                + (((o.BatteryChargeKwh ?? 0) + (o.BatteryDischargeKwh ?? 0)) * battery.CycleCostPerKwh))
            : null;
        var oracleCost = oracle.Costs.EnergyCost;
        var breakdown = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["slots"] = slots.Count,
            ["solver_status"] = oracle.StatusText,
            ["solve_ms"] = Math.Round(oracle.SolveMs, 1),
            ["initial_soc_percent"] = problem.InitialSocPercent,
            ["final_soc_percent"] = oracle.Slots.Count > 0 ? Math.Round(oracle.Slots[^1].SocEndPercent, 2) : null,
            ["terminal_value"] = Math.Round(oracle.Costs.TerminalValue, 4),
            ["shed_kwh"] = Math.Round(oracle.ShedKwh, 4),
            ["mpc_cost_source"] = "the day's realised cost from slot_observations (what the home did)",
            ["charge_kwh"] = Math.Round(oracle.Slots.Sum(s => s.ChargeKwh), 3),
            ["discharge_kwh"] = Math.Round(oracle.Slots.Sum(s => s.DischargeKwh), 3),
            ["import_kwh"] = Math.Round(oracle.Slots.Sum(s => s.ImportKwh), 3),
            ["export_kwh"] = Math.Round(oracle.Slots.Sum(s => s.ExportKwh), 3),
        });
        var result = new OracleDayResult
        {
            Day = day,
            OracleCost = oracleCost,
            OracleImportCost = oracle.Costs.ImportCost,
            OracleExportRevenue = oracle.Costs.ExportRevenue,
            OracleBatteryWearCost = oracle.Costs.CycleCost,
            MpcCost = realised,
            NoBatteryCost = noBattery.Costs.EnergyCost,
            SelfConsumptionCost = selfConsumption.Costs.EnergyCost,
            Regret = realised is { } r ? r - oracleCost : null,
            BreakdownJson = breakdown,
            ComputedAt = InstantText.Truncate(clock.GetUtcNow()),
        };
        await _results.UpsertAsync([result], cancellationToken);
        return new OracleOutcome(result, oracle, noBattery, selfConsumption, realised);
    }

    public static string Describe(OracleOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var r = outcome.Result;
        return string.Create(CultureInfo.InvariantCulture,
            $"{DayText.Format(r.Day)}: Oracle {r.OracleCost:0.000} (import {r.OracleImportCost:0.000} − export {r.OracleExportRevenue:0.000} + wear {r.OracleBatteryWearCost:0.000}), " +
            $"no battery {r.NoBatteryCost:0.000}, self-consumption {r.SelfConsumptionCost:0.000}, realised {(r.MpcCost is { } m ? m.ToString("0.000", CultureInfo.InvariantCulture) : "unknown")}");
    }
}
