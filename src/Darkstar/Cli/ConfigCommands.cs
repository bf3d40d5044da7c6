using System.CommandLine;
using Darkstar.Core.Options;

namespace Darkstar.Cli;

public static class ConfigCommands
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var check = new Command("check", "Validate the options and print the effective options, secrets masked. Exit code 2 when invalid.");
        check.SetAction(parse => Check(parse, context, global));
        return new Command("config", "Inspect Darkstar's options.") { check };
    }

    private static int Check(ParseResult parse, CliContext context, GlobalOptions global)
    {
        var result = OptionsResolver.Load(parse, global, context);
        if (result.Options is not null)
        {
            // Print what was bound even when invalid: the user sees which values Darkstar understood.
            context.Output.WriteLine($"# Effective options from {result.Source}");
            context.Output.Write(OptionsPrinter.ToYaml(result.Options));
        }

        // Valid options the service would still refuse at start are not valid for the add-on.
        var serveProblems = result is { IsValid: true, Options: { } options } ? ServeCommand.ServiceRequirements(options) : [];
        var valid = result.IsValid && serveProblems.Count == 0;
        if (!result.IsValid)
        {
            OptionsResolver.WriteErrors(context.Error, result);
        }
        else if (serveProblems.Count > 0)
        {
            context.Error.WriteLine($"The options are valid, but serve needs more ({serveProblems.Count} problem{(serveProblems.Count == 1 ? "" : "s")}):");
            foreach (var problem in serveProblems)
            {
                context.Error.WriteLine($"  {problem}");
            }
        }
        else
        {
            context.Output.WriteLine($"# The options are valid.");
        }

        if (parse.GetValue(global.Json))
        {
            JsonReport.Write(context.Output, new
            {
                valid,
                source = result.Source,
                errors = result.Errors.Select(e => new { option = e.Option, value = e.Value, problem = e.Problem })
                    .Concat(serveProblems.Select(p => new { option = "serve", value = (string?)null, problem = p })).ToArray(),
                options = result.Options is null ? null : OptionsPrinter.ToJsonObject(result.Options),
            });
        }

        return valid ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
}
