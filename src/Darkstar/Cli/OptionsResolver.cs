using System.CommandLine;
using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Cli;

/// <summary>The options a command runs with, and where they came from.</summary>
public sealed record ResolvedOptions(DarkstarOptions Options, string Source);

/// <summary>
/// Finds and validates the options, the same way for every command: <c>--config</c> if given, else the
/// add-on's <c>/data/options.json</c> when it exists, else the simulated home's embedded default.
/// </summary>
public static class OptionsResolver
{
    public static OptionsLoadResult Load(ParseResult parse, GlobalOptions global, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(context);
        var optionsContext = new OptionsContext(!string.IsNullOrEmpty(context.Environment(OptionsContext.SupervisorTokenVariable)));
        var config = parse.GetValue(global.Config);
        if (config is not null)
        {
            return OptionsLoader.LoadFile(config.FullName, optionsContext);
        }

        return File.Exists(context.AddOnOptionsPath)
            ? OptionsLoader.LoadFile(context.AddOnOptionsPath, optionsContext)
            : OptionsLoader.LoadEmbeddedDefault(optionsContext);
    }

    /// <summary>The valid options, or null after every error has been written to stderr.</summary>
    public static ResolvedOptions? Resolve(ParseResult parse, GlobalOptions global, CliContext context)
    {
        var result = Load(parse, global, context);
        if (result.IsValid && result.Options is not null)
        {
            return new ResolvedOptions(result.Options, result.Source);
        }

        WriteErrors(context.Error, result);
        return null;
    }

    /// <summary>
    /// The home's time zone for a command that works in local days (<see cref="HomeTimeZone"/>: the command line's, the
    /// options', Home Assistant's), or null after the problem has been written to stderr: the command then exits with
    /// <see cref="ExitCodes.InvalidInput"/>.
    /// </summary>
    public static TimeZoneInfo? ResolveTimeZone(DarkstarOptions options, CliContext context, string? commandLine = null, string? homeAssistant = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (HomeTimeZone.TryResolve(commandLine, options.Location.TimeZone, homeAssistant, out var zone, out var problem))
        {
            return zone;
        }

        context.Error.WriteLine(problem + ".");
        return null;
    }

    public static void WriteErrors(TextWriter error, OptionsLoadResult result)
    {
        ArgumentNullException.ThrowIfNull(error);
        foreach (var line in ErrorLines(result))
        {
            error.WriteLine(line);
        }
    }

    /// <summary>What is wrong with the options, as lines: where they came from and how many problems, then each problem.</summary>
    public static IReadOnlyList<string> ErrorLines(OptionsLoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return [$"Invalid options in {result.Source} ({result.Errors.Count} problem{(result.Errors.Count == 1 ? "" : "s")}):", .. result.Errors.Select(p => $"  {p}")];
    }
}
