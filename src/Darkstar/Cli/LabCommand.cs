using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage.Repositories;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar lab export</c>, the what-if Lab: "what if I export X kWh at the day's best prices?" Each scenario is a
/// manual plan (forced slot actions the planner takes as constraints, <see cref="ForcedSlot"/>) replayed over the whole
/// day in the one closed loop, against the planner's own plan of the day.
/// </summary>
public static class LabCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var lab = new Command("lab", "The what-if Lab: manual plans replayed over a day of the database against the planner's own.");
        var day = new Option<string>("--day") { Description = "The local day, yyyy-MM-dd.", Required = true };
        var kwh = new Option<string>("--kwh") { Description = "The export targets to try, kWh, comma-separated.", DefaultValueFactory = _ => "1,2,4,8" };
        var relaxed = new Option<bool>("--relaxed") { Description = "Plan without battery wear and without the cautious check on battery export." };
        var set = new Option<string[]>("--set") { Description = "A what-if, option=value as the options file spells it (repeatable), as replay takes it." };
        var export = new Command("export", "Export X kWh in the day's highest-priced slots: target and realised export and the net cost against the planner's own plan.")
        {
            day, kwh, relaxed, set,
        };
        export.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "lab export", async (baseOptions, zone, database, _) =>
        {
            if (!DayText.TryParse(parse.GetValue(day), out var theDay))
            {
                await context.Error.WriteLineAsync($"--day: '{parse.GetValue(day)}' is not a date of the form yyyy-MM-dd.");
                return ExitCodes.InvalidInput;
            }

            var targets = new List<double>();
            foreach (var part in parse.GetValue(kwh)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
                {
                    await context.Error.WriteLineAsync($"--kwh: '{part}' is not a positive number of kWh; give them comma-separated, e.g. 1,2,4,8.");
                    return ExitCodes.InvalidInput;
                }

                targets.Add(value);
            }

            if (ReplayCommand.WhatIf(baseOptions, parse.GetValue(set) ?? [], context) is not { } options)
            {
                return ExitCodes.InvalidInput;
            }

            var isRelaxed = parse.GetValue(relaxed);
            var battery = BatterySpec.FromOptions(options.Battery);
            if (isRelaxed)
            {
                battery = battery with { CycleCostPerKwh = 0 };
            }

            var grid = GridSpec.FromOptions(options.Grid);
            var period = SlotGrid.LocalDay(theDay, zone);
            var actual = await ActualSeriesReader.ReadAroundAsync(new SlotObservationRepository(database), new PriceRepository(database), period, cancellationToken);
            var first = actual.PositionOf(period.FirstIndex);
            if (Enumerable.Range(first, period.Count).Any(i => actual.Load[i] is null || actual.ImportPrice[i] is null || actual.ExportPrice[i] is null))
            {
                await context.Error.WriteLineAsync($"lab export: {DayText.Format(theDay)} lacks load or prices in the database; choose a day it holds.");
                return ExitCodes.InvalidInput;
            }

            ClosedLoopResult Run(IReadOnlyDictionary<DateTimeOffset, ForcedSlot> forced)
            {
                var settings = ClosedLoopReplay.Settings(
                    options, battery, grid, zone, period, actual, SlotGrid.SlotsPerHour, ClosedLoopForecast.Baseline, null, ClosedLoopExecution.Executor,
                    ClosedLoopReplay.Executor(options, battery));
                return ClosedLoop.Run(actual, settings with { Forced = forced, ExportCaution = isRelaxed ? 0 : settings.ExportCaution }, null, cancellationToken);
            }

            var own = await Task.Run(() => Run(new Dictionary<DateTimeOffset, ForcedSlot>()), cancellationToken);
            // The day's best export prices first; each slot takes what the battery and the grid can give in it.
            var perSlot = Math.Min(battery.MaxDischargeKwhPerSlot, grid.MaxExportKwhPerSlot);
            var ranked = Enumerable.Range(0, period.Count).OrderByDescending(i => actual.ExportPrice[first + i]!.Value).ThenBy(i => i).ToList();
            var scenarios = new List<object>();
            var output = context.Output;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{DayText.Format(theDay)}: the planner's own plan costs {own.Mpc.Cost:0.000} {options.Pricing.Currency} with {own.MpcSlots.Sum(s => s.ExportKwh):0.00} kWh exported{(isRelaxed ? " (relaxed: no wear, no cautious export check)" : string.Empty)}."));
            output.WriteLine($"{"target kWh",10} {"slots",5} {"realised",9} {"exported",9} {"cost",9} {"vs own",8}");
            foreach (var target in targets)
            {
                if (perSlot <= 0)
                {
                    await context.Error.WriteLineAsync("lab export: the battery or the grid allows no export (grid.export_allowed, battery.max_discharge_kw).");
                    return ExitCodes.InvalidInput;
                }

                var slotCount = Math.Min(period.Count, (int)Math.Ceiling((target / perSlot) - 1e-9));
                var chosen = ranked.Take(slotCount).ToList();
                var forced = chosen.ToDictionary(i => period[i], _ => new ForcedSlot(MinExportKwh: target / slotCount));
                var result = await Task.Run(() => Run(forced), cancellationToken);
                var realised = chosen.Sum(i => result.MpcSlots[i].ExportKwh);
                var exported = result.MpcSlots.Sum(s => s.ExportKwh);
                var delta = result.Mpc.Cost - own.Mpc.Cost;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{target,10:0.##} {slotCount,5} {realised,9:0.00} {exported,9:0.00} {result.Mpc.Cost,9:0.000} {delta,8:+0.000;-0.000}"));
                scenarios.Add(new
                {
                    target_kwh = target,
                    slots = slotCount,
                    realised_kwh = Math.Round(realised, 3),
                    exported_kwh = Math.Round(exported, 3),
                    cost = Math.Round(result.Mpc.Cost, 3),
                    vs_own_plan = Math.Round(delta, 3),
                });
            }

            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(output, new
                {
                    day = DayText.Format(theDay),
                    relaxed = isRelaxed,
                    own_plan_cost = Math.Round(own.Mpc.Cost, 3),
                    own_plan_exported_kwh = Math.Round(own.MpcSlots.Sum(s => s.ExportKwh), 3),
                    scenarios,
                });
            }

            return ExitCodes.Success;
        }, cancellationToken));
        lab.Subcommands.Add(export);
        return lab;
    }
}
