using Spectre.Console;

namespace Darkstar.Cli;

/// <summary>Tables for people, written to the command's own output so tests can read them.</summary>
public static class ConsoleRendering
{
    public static IAnsiConsole For(TextWriter output) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
}
