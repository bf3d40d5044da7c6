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

        if (!result.IsValid)
        {
            OptionsResolver.WriteErrors(context.Error, result);
        }
        else
        {
            context.Output.WriteLine($"# The options are valid.");
        }

        if (parse.GetValue(global.Json))
        {
            JsonReport.Write(context.Output, new
            {
                valid = result.IsValid,
                source = result.Source,
                errors = result.Errors.Select(e => new { option = e.Option, value = e.Value, problem = e.Problem }).ToArray(),
                options = result.Options is null ? null : OptionsPrinter.ToJsonObject(result.Options),
            });
        }

        return result.IsValid ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
}
