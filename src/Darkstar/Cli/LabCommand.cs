using System.CommandLine;
using Darkstar.Lab;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar lab export</c>, the what-if Lab (<see cref="LabExportStudy"/>, which the web UI's Lab runs too): "what if I
/// export X kWh at the day's best prices?", each target a manual plan replayed over the whole day against the planner's own.
/// </summary>
public static class LabCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var lab = new Command("lab", "The what-if Lab: manual plans replayed over a day of the database against the planner's own.");
        var day = new Option<string>("--day") { Description = "The local day, yyyy-MM-dd.", Required = true };
        var kwh = new Option<string>("--kwh") { Description = "The export targets to try, kWh, comma-separated.", DefaultValueFactory = _ => LabExportRequest.DefaultKwh };
        var relaxed = new Option<bool>("--relaxed") { Description = "Plan without battery wear and without the cautious check on battery export." };
        var set = new Option<string[]>("--set") { Description = "A what-if, option=value as the options file spells it (repeatable), as replay takes it." };
        var export = new Command("export", "Export X kWh in the day's highest-priced slots: target and realised export and the net cost against the planner's own plan.")
        {
            day, kwh, relaxed, set,
        };
        export.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "lab export", async (baseOptions, zone, database, _) =>
        {
            var request = LabExportRequest.Parse(parse.GetValue(day), parse.GetValue(kwh), parse.GetValue(relaxed), parse.GetValue(set) ?? [], ReplayCommand.Flag, out var problem);
            if (request is null)
            {
                await context.Error.WriteLineAsync(problem);
                return ExitCodes.InvalidInput;
            }

            if (ReplayCommand.WhatIf(baseOptions, request.Changes, context) is not { } options)
            {
                return ExitCodes.InvalidInput;
            }

            var (study, missing) = await LabExportStudy.PrepareAsync(request, options, zone, database, cancellationToken);
            if (study is null)
            {
                await context.Error.WriteLineAsync($"lab export: {missing}");
                return ExitCodes.InvalidInput;
            }

            var report = await LabExportStudy.RunAsync(study, progress: null, cancellationToken);
            LabExportStudy.WriteText(context.Output, report);
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, report);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        lab.Subcommands.Add(export);
        return lab;
    }
}
