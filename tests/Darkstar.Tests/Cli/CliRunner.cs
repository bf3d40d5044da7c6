using System.Diagnostics;
using Darkstar.Cli;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

/// <summary>Runs the command line in-process with captured output, a fake clock and no add-on options file.</summary>
internal sealed class CliRunner(TempDirectory temp)
{
    public FakeTimeProvider Clock { get; init; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public Dictionary<string, string> Environment { get; } = [];

    public string AddOnOptionsPath { get; set; } = temp.File("no-such-options.json");

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, Clock, name => Environment.GetValueOrDefault(name), AddOnOptionsPath);
        var exitCode = await DarkstarCommandLine.InvokeAsync(args, context, CancellationToken.None);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built darkstar assembly as its own process, as a user or the add-on would.</summary>
    public static async Task<CliResult> RunProcessAsync(params string[] args)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "darkstar.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("SUPERVISOR_TOKEN");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("darkstar did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of stdout: where --json puts its one object.</summary>
    public string LastLine => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
