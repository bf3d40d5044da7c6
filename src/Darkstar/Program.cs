using System.Runtime.InteropServices;
using Darkstar.Cli;
using Darkstar.Forecasting.Native;

// Before any thread allocates: the long-running service's resident memory depends on it (see MallocArenas).
MallocArenas.Limit(2);

using var stop = new CancellationTokenSource();

// Asks the running command to stop through its CancellationToken. The token's callbacks run on the thread pool, not on
// the signal's thread: run there, the whole shutdown (the command's await continues inline) ended by disposing this very
// source while Cancel was still inside it, which aborted the stopping process.
void RequestStop()
{
    try
    {
        _ = stop.CancelAsync();
    }
    catch (ObjectDisposedException)
    {
        // The command has ended already.
    }
}

Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    RequestStop();
};

// SIGTERM (a service manager or the Supervisor stopping the process) stops a command as Ctrl+C does. Without this a web
// host inside the command (the simulated home's) took the signal for its own and the command kept waiting.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    RequestStop();
});

var context = CliContext.FromProcess(Console.Out, Console.Error);
return await DarkstarCommandLine.InvokeAsync(args, context, stop.Token);
