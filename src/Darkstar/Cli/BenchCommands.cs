using System.CommandLine;

namespace Darkstar.Cli;

/// <summary><c>darkstar bench ...</c>: measurements that print JSON.</summary>
public static class BenchCommands
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var bench = new Command("bench", "Benchmarks on recorded data; each prints one JSON object on its last line.");
        bench.Subcommands.Add(BenchForecastCommand.Create(context, global));
        return bench;
    }
}
