using System.Runtime.InteropServices;
using Darkstar.Cli;
using Darkstar.Forecasting.Native;

// Before any thread allocates: the long-running service's resident memory depends on it (see MallocArenas).
MallocArenas.Limit(2);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C asks every command to stop through its CancellationToken.
    e.Cancel = true;
    stop.Cancel();
};

// SIGTERM (a service manager or the Supervisor stopping the process) stops a command as Ctrl+C does. Without this a web
// host inside the command (the simulated home's) took the signal for its own and the command kept waiting.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    stop.Cancel();
});

var context = CliContext.FromProcess(Console.Out, Console.Error);
return await DarkstarCommandLine.InvokeAsync(args, context, stop.Token);
