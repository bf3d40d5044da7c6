using System.CommandLine;

namespace Darkstar.Cli;

/// <summary>The <c>darkstar</c> command line: one root, the global options, every command.</summary>
public static class DarkstarCommandLine
{
    public static RootCommand Build(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var global = new GlobalOptions();
        var root = new RootCommand("Darkstar: learns the home, forecasts load and PV, plans the battery, grid and water heater.");
        global.AddTo(root);
        root.Subcommands.Add(VersionCommand.Create(context, global));
        root.Subcommands.Add(ConfigCommands.Create(context, global));
        root.Subcommands.Add(DatabaseCommands.Create(context, global));
        root.Subcommands.Add(SlotsCommand.Create(context, global));
        root.Subcommands.Add(HomeAssistantCommands.Create(context, global));
        root.Subcommands.Add(SimulateCommand.Create(context, global));
        root.Subcommands.Add(ImportDatasetCommand.Create(context, global));
        root.Subcommands.Add(BackfillCommand.Create(context, global));
        root.Subcommands.Add(MqttCommands.Create(context, global));
        root.Subcommands.Add(ForecastCommands.CreateTrain(context, global));
        root.Subcommands.Add(ForecastCommands.CreateEvaluate(context, global));
        root.Subcommands.Add(PlanCommands.CreatePlan(context, global));
        root.Subcommands.Add(PlanCommands.CreateOracle(context, global));
        root.Subcommands.Add(ServeCommand.Create(context, global));
        root.Subcommands.Add(BenchCommands.Create(context, global));
        root.Subcommands.Add(ReplayCommand.Create(context, global));
        root.Subcommands.Add(AntaresCommands.Create(context, global));
        root.Subcommands.Add(LabCommand.Create(context, global));
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Build(context);
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            // Our commands report their own errors with actionable text; a crash still prints its stack.
            EnableDefaultExceptionHandler = true,
            // Program.cs turns Ctrl+C and SIGTERM into the token; System.CommandLine's own handler would end the process
            // with 143 two seconds later, before a command (serve starting, or stopping its loops) had stopped cleanly.
            ProcessTerminationTimeout = null,
        };
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync(error.Message.AsMemory(), cancellationToken);
            }

            await context.Error.WriteLineAsync("Run 'darkstar --help' for the commands and their options.".AsMemory(), cancellationToken);
            return ExitCodes.InvalidInput;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
