using System.CommandLine;
using System.Reflection;

namespace Darkstar.Cli;

public static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("version", "Print Darkstar's version.");
        command.SetAction(parse =>
        {
            context.Output.WriteLine($"darkstar {Version} (.NET {Environment.Version})");
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new { version = Version, runtime = Environment.Version.ToString() });
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
