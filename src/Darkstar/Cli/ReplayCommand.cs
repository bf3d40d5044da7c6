using System.CommandLine;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Lab;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar replay</c>, the Time Machine (<see cref="ReplayStudy"/>, which the web UI's Lab runs too): the home's own
/// days again in closed loop, costed against no battery, the self-consumption rule and the Oracle; <c>--set</c> asks what
/// if an option had been otherwise.
/// </summary>
public static class ReplayCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var from = new Option<string>("--from") { Description = "First local day, yyyy-MM-dd.", Required = true };
        var days = new Option<int>("--days") { Description = "Local days to replay.", DefaultValueFactory = _ => 7 };
        var forecasts = new Option<string>("--forecasts")
        {
            Description = "stored: the forecasts as slot_forecasts holds them issued, else the baseline walked forward; baseline: the 7-day baseline; "
                + "aurora: Aurora trained walking forward on the database (with the observed weather: a perfect weather forecast); perfect: what was measured.",
            DefaultValueFactory = _ => "stored",
        };
        forecasts.AcceptOnlyFromAmong([.. ReplayRequest.ForecastKinds]);
        var set = new Option<string[]>("--set")
        {
            Description = "A what-if, option=value as the options file spells it (repeatable): " + string.Join(", ", Lab.WhatIf.Options) + ".",
            AllowMultipleArgumentsPerToken = false,
        };
        var replan = new Option<int>("--replan-minutes") { Description = "Minutes between plans (a multiple of 15).", DefaultValueFactory = _ => 60 };
        var command = new Command("replay", "The Time Machine: replay days of the database in closed loop and cost them against no battery, self-consumption and the Oracle.")
        {
            from, days, forecasts, set, replan,
        };
        command.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "replay", async (options, zone, database, logging) =>
        {
            var request = ReplayRequest.Parse(
                parse.GetValue(from), parse.GetValue(days), parse.GetValue(forecasts), parse.GetValue(set) ?? [], parse.GetValue(replan), Flag, out var problem);
            if (request is null)
            {
                await context.Error.WriteLineAsync(problem);
                return ExitCodes.InvalidInput;
            }

            if (WhatIf(options, request.Changes, context) is not { } whatIf)
            {
                return ExitCodes.InvalidInput;
            }

            var (replay, missing) = await ReplayStudy.PrepareAsync(request, whatIf, zone, database, cancellationToken);
            if (replay is null)
            {
                await context.Error.WriteLineAsync($"replay: {missing}");
                return ExitCodes.InvalidInput;
            }

            await context.Error.WriteLineAsync($"Replaying {request.Days} days from {DayText.Format(request.From)} ({replay.Period.Count} slots), a plan every {request.ReplanMinutes} minutes ...");
            var report = await ReplayStudy.RunAsync(replay, logging, context.Clock, progress: null, cancellationToken);
            ReplayStudy.WriteText(context.Output, report);
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, report);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>A field of a study as the command line spells it: <c>replan_minutes</c> is <c>--replan-minutes</c>.</summary>
    internal static string Flag(string field) => "--" + field.Replace('_', '-');

    /// <summary>The options with the what-ifs applied and validated, or null after every problem has been written.</summary>
    internal static DarkstarOptions? WhatIf(DarkstarOptions options, IReadOnlyList<string> changes, CliContext context)
    {
        var changed = Lab.WhatIf.Apply(options, changes, "--set", out var problems);
        foreach (var line in problems)
        {
            context.Error.WriteLine(line);
        }

        return changed;
    }
}
