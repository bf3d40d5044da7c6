using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Runtime;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Model;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary><c>darkstar plan</c> (one Kepler plan now, stored) and <c>darkstar oracle --day D</c> (perfect hindsight for a day, stored).</summary>
public static class PlanCommands
{
    public static Command CreatePlan(CliContext context, GlobalOptions global)
    {
        var command = new Command("plan", "Plan the battery, grid and water heater from now over the horizon, store the plan and print it.");
        command.SetAction((parse, cancellationToken) => RunPlanAsync(parse, context, global, cancellationToken));
        return command;
    }

    public static Command CreateOracle(CliContext context, GlobalOptions global)
    {
        var day = new Option<string>("--day") { Description = "Local day, yyyy-MM-dd.", Required = true };
        var command = new Command("oracle", "Solve one local day with its actual load, PV and prices (perfect hindsight) and store the result.") { day };
        command.SetAction((parse, cancellationToken) => RunOracleAsync(parse, context, global, parse.GetValue(day)!, cancellationToken));
        return command;
    }

    private static Task<int> RunPlanAsync(ParseResult parse, CliContext context, GlobalOptions global, CancellationToken cancellationToken) =>
        WithDatabaseAsync(parse, context, global, "plan", async (options, zone, database, logging) =>
        {
            using var models = new AuroraModelStore(new ModelRunRepository(database), AuroraModelStore.FolderBeside(database.Path));
            var planner = new KeplerPlanner(
                database, context.Clock, logging.CreateLogger<KeplerPlanner>(), resolveForecastVersion: models.ResolveForecastVersionAsync);
            var outcome = await planner.PlanAsync(options, zone, cancellationToken);
            WritePlan(context.Output, outcome, zone, options.Pricing.Currency);
            if (parse.GetValue(global.Json))
            {
                var s = outcome.Schedule;
                JsonReport.Write(context.Output, new
                {
                    plan_id = outcome.Plan.Id,
                    status = s.StatusText,
                    fallback = s.Fallback,
                    horizon_start = InstantText.Format(outcome.Plan.HorizonStart),
                    horizon_end = InstantText.Format(outcome.Plan.HorizonEnd),
                    slots = outcome.Plan.SlotCount,
                    forecast_version = outcome.Plan.ForecastVersion,
                    initial_soc_percent = Math.Round(outcome.Plan.InitialSocPercent, 2),
                    solve_ms = Math.Round(s.SolveMs, 1),
                    objective = double.IsNaN(s.Objective) ? (double?)null : Math.Round(s.Objective, 4),
                    import_cost = Math.Round(s.Costs.ImportCost, 4),
                    export_revenue = Math.Round(s.Costs.ExportRevenue, 4),
                    cycle_cost = Math.Round(s.Costs.CycleCost, 4),
                    penalty_cost = Math.Round(s.Costs.PenaltyCost, 4),
                    terminal_value = Math.Round(s.Costs.TerminalValue, 4),
                    energy_cost = Math.Round(s.Costs.EnergyCost, 4),
                    shed_kwh = Math.Round(s.ShedKwh, 4),
                    soc_below_min_kwh = Math.Round(s.SocBelowMinimumKwh, 4),
                    water_shortfall_kwh = Math.Round(s.WaterShortfallKwh, 4),
                    notes = outcome.Notes,
                });
            }

            return ExitCodeOf(outcome);
        },
        cancellationToken);

    // A fallback plan is stored and printed, but the command says the solve failed.
    private static int ExitCodeOf(PlanOutcome outcome) => outcome.Schedule.Fallback ? ExitCodes.Failure : ExitCodes.Success;

    private static async Task<int> RunOracleAsync(ParseResult parse, CliContext context, GlobalOptions global, string dayText, CancellationToken cancellationToken)
    {
        if (!DayText.TryParse(dayText, out var day))
        {
            await context.Error.WriteLineAsync($"--day: '{dayText}' is not a date of the form yyyy-MM-dd.");
            return ExitCodes.InvalidInput;
        }

        return await WithDatabaseAsync(parse, context, global, "oracle", async (options, zone, database, _) =>
        {
            var outcome = await new OracleRunner(database, context.Clock).RunAsync(day, options, zone, cancellationToken);
            WriteSchedule(context.Output, outcome.Oracle, zone);
            await context.Output.WriteLineAsync(OracleRunner.Describe(outcome));
            if (parse.GetValue(global.Json))
            {
                var r = outcome.Result;
                JsonReport.Write(context.Output, new
                {
                    day = DayText.Format(day),
                    slots = outcome.Oracle.Slots.Count,
                    status = outcome.Oracle.StatusText,
                    solve_ms = Math.Round(outcome.Oracle.SolveMs, 1),
                    oracle_cost = Math.Round(r.OracleCost, 4),
                    import_cost = Math.Round(r.OracleImportCost, 4),
                    export_revenue = Math.Round(r.OracleExportRevenue, 4),
                    battery_wear_cost = Math.Round(r.OracleBatteryWearCost, 4),
                    no_battery_cost = r.NoBatteryCost is { } nb ? Math.Round(nb, 4) : (double?)null,
                    self_consumption_cost = r.SelfConsumptionCost is { } sc ? Math.Round(sc, 4) : (double?)null,
                    realised_cost = r.MpcCost is { } m ? Math.Round(m, 4) : (double?)null,
                    regret = r.Regret is { } g ? Math.Round(g, 4) : (double?)null,
                });
            }

            return outcome.Oracle.Fallback ? ExitCodes.Failure : ExitCodes.Success;
        },
        cancellationToken);
    }

    /// <summary>
    /// What plan and oracle share: the options and the time zone resolved, the database opened and migrated, and
    /// planning-input and database errors turned into a message and an exit code.
    /// </summary>
    internal static async Task<int> WithDatabaseAsync(
        ParseResult parse,
        CliContext context,
        GlobalOptions global,
        string commandName,
        Func<DarkstarOptions, TimeZoneInfo, DarkstarDatabase, ILoggerFactory, Task<int>> run,
        CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        var options = resolved.Options;
        if (OptionsResolver.ResolveTimeZone(options, context) is not { } zone)
        {
            return ExitCodes.InvalidInput;
        }

        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(options.DatabasePath);
        using var logging = CliLogging.Create(options.LogLevel);
        try
        {
            var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
            await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
            return await run(options, zone, database, logging);
        }
        catch (PlanningInputException e)
        {
            await context.Error.WriteLineAsync($"{commandName}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is SqliteException or SchemaVersionTooNewException or IOException)
        {
            await context.Error.WriteLineAsync($"Database {path}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static void WritePlan(TextWriter output, PlanOutcome outcome, TimeZoneInfo zone, string currency)
    {
        var plan = outcome.Plan;
        var s = outcome.Schedule;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Plan {plan.Id}: {plan.SlotCount} slots from {InstantText.Format(plan.HorizonStart)} to {InstantText.Format(plan.HorizonEnd)}, " +
            $"{s.StatusText} in {s.SolveMs:0.0} ms, forecasts {plan.ForecastVersion}, SoC {plan.InitialSocPercent:0.#}% at the start."));
        foreach (var note in outcome.Notes)
        {
            output.WriteLine($"  note: {note}");
        }

        WriteSchedule(output, s, zone);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cost ({currency}): import {s.Costs.ImportCost:0.000} − export {s.Costs.ExportRevenue:0.000} + battery wear {s.Costs.CycleCost:0.000} = {s.Costs.EnergyCost:0.000}; " +
            $"penalties {s.Costs.PenaltyCost:0.000}; value of the energy left in the battery {s.Costs.TerminalValue:0.000}."));
        if (s.UsedSlack)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SLACK USED: shed {s.ShedKwh:0.###} kWh, SoC below minimum {s.SocBelowMinimumKwh:0.###}, water heating short {s.WaterShortfallKwh:0.###} kWh."));
        }
    }

    private static void WriteSchedule(TextWriter output, Schedule schedule, TimeZoneInfo zone)
    {
        output.WriteLine($"{"local time",-16} {"action",-9} {"charge",7} {"dischg",7} {"import",7} {"export",7} {"curtail",7} {"water",6} {"shed",6} {"SoC %",6} {"p_imp",7} {"p_exp",7} {"cost",8}");
        foreach (var slot in schedule.Slots)
        {
            var local = TimeZoneInfo.ConvertTime(slot.Start, zone);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{local:yyyy-MM-dd HH:mm} {slot.Action.ToString().ToLowerInvariant(),-9} {slot.ChargeKwh,7:0.000} {slot.DischargeKwh,7:0.000} {slot.ImportKwh,7:0.000} {slot.ExportKwh,7:0.000} " +
                $"{slot.CurtailKwh,7:0.000} {slot.WaterKwh,6:0.00} {slot.ShedKwh,6:0.00} {slot.SocEndPercent,6:0.0} {slot.ImportPrice,7:0.0000} {slot.ExportPrice,7:0.0000} {slot.Cost,8:0.0000}"));
        }
    }
}
