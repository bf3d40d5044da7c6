using Spectre.Console;

namespace Darkstar.Cli;

/// <summary>Tables for people, written to the command's own output so tests can read them.</summary>
public static class ConsoleRendering
{
    // Wide enough for entity ids and messages on one line; output is often piped, where Spectre assumes 80.
    private const int Width = 160;

    public static IAnsiConsole For(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Width;
        return console;
    }
}
