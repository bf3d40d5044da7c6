using Darkstar.Cli;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

/// <summary>Runs the command line in-process with captured output, a fake clock and no add-on options file.</summary>
internal sealed class CliRunner(TempDirectory temp)
{
    public FakeTimeProvider Clock { get; init; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public Dictionary<string, string> Environment { get; } = [];

    public string AddOnOptionsPath { get; set; } = temp.File("no-such-options.json");

    public async Task<ProcessResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, Clock, name => Environment.GetValueOrDefault(name), AddOnOptionsPath);
        var exitCode = await DarkstarCommandLine.InvokeAsync(args, context, CancellationToken.None);
        return new ProcessResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built darkstar assembly as its own process, as a user or the add-on would.</summary>
    public static Task<ProcessResult> RunProcessAsync(params string[] args) =>
        ProcessRunner.RunAsync(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "darkstar.dll"), .. args],
            environment: new Dictionary<string, string?> { ["SUPERVISOR_TOKEN"] = null });
}
