namespace Darkstar.Cli;

/// <summary>
/// What a command may see of the world: its output streams, the clock, the environment and the
/// add-on's options file. Tests build one with their own writers, a fake clock and a temp folder.
/// </summary>
public sealed record CliContext(
    TextWriter Output,
    TextWriter Error,
    TimeProvider Clock,
    Func<string, string?> Environment,
    string AddOnOptionsPath)
{
    /// <summary>Where the Supervisor mounts the options the user set in the add-on UI.</summary>
    public const string DefaultAddOnOptionsPath = "/data/options.json";

    public static CliContext FromProcess(TextWriter output, TextWriter error) =>
        new(output, error, TimeProvider.System, System.Environment.GetEnvironmentVariable, DefaultAddOnOptionsPath);
}
