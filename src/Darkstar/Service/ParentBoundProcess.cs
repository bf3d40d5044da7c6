using System.Diagnostics;
using System.Globalization;

namespace Darkstar.Service;

/// <summary>
/// Starts a helper process (the simulated broker, the simulated home) that goes when this process goes, even killed with
/// SIGKILL, which runs no code of ours: through a small shell watchdog that polls this process's id. PR_SET_PDEATHSIG
/// would follow the starting thread, not the process, and .NET's threads come and go.
/// </summary>
public static class ParentBoundProcess
{
    // $1: the parent's pid; the rest: the child's command line. Stops the child when the parent is gone or when told to.
    private const string Watchdog =
        "parent=$1; shift; \"$@\" & child=$!; trap 'kill $child 2>/dev/null; exit 0' TERM INT; " +
        "while kill -0 \"$parent\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; kill $child 2>/dev/null; wait $child";

    /// <summary>
    /// Starts <paramref name="executable"/> with <paramref name="arguments"/>, its output redirected (read it, or call
    /// <see cref="DiscardOutput"/>: an unread pipe fills up and stalls the child). Kill the returned process with its tree.
    /// </summary>
    public static Process Start(string name, string executable, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Watchdog, name, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), executable }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
    }

    /// <summary>Reads the child's output and drops it: not ours to show.</summary>
    public static void DiscardOutput(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Kills the child (and its watchdog) and waits a few seconds for it to go.</summary>
    public static async Task StopAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                // It was told to go.
            }
        }

        process.Dispose();
    }
}
