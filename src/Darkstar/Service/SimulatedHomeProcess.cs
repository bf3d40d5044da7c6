using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Darkstar.Core.Time;

namespace Darkstar.Service;

/// <summary>
/// The simulated home in a process of its own (<c>darkstar simulate --stepped</c> on loopback), so that what the add-on's
/// process holds is measured apart from the home's state history (<c>bench soak</c>). Its stepped clock moves only when
/// <see cref="AdvanceAsync"/> asks it over HTTP; it goes when this process goes (<see cref="ParentBoundProcess"/>).
/// </summary>
public sealed class SimulatedHomeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly HttpClient _http;

    private SimulatedHomeProcess(Process process, Uri baseUri, string token)
    {
        _process = process;
        BaseUri = baseUri;
        Token = token;
        _http = new HttpClient { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUri { get; }

    public string Token { get; }

    /// <summary>Starts the home at <paramref name="start"/> with <paramref name="historyDays"/> days lived, and waits until it listens.</summary>
    public static async Task<SimulatedHomeProcess> StartAsync(
        DateTimeOffset start, int historyDays, int mqttPort, string? homeFolder, CancellationToken cancellationToken)
    {
        var (host, entry) = DarkstarCommand();
        List<string> arguments =
        [
            entry, "simulate", "--stepped", "--port", "0", "--start", InstantText.Format(start),
            "--history-days", historyDays.ToString(CultureInfo.InvariantCulture), "--mqtt-port", mqttPort.ToString(CultureInfo.InvariantCulture), "--json",
        ];
        if (homeFolder is not null)
        {
            arguments.AddRange(["--home", homeFolder]);
        }

        var process = ParentBoundProcess.Start("darkstar-simulated-home", host, arguments);
        var listening = new TaskCompletionSource<(Uri Url, string Token)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new Queue<string>();
        process.OutputDataReceived += (_, line) =>
        {
            // The last line of `simulate --json` names the address and the token; the lines before are for people.
            if (line.Data is { } text && text.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(text);
                listening.TrySetResult((new Uri(json.RootElement.GetProperty("url").GetString()!), json.RootElement.GetProperty("token").GetString()!));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                lock (errors)
                {
                    errors.Enqueue(text);
                    if (errors.Count > 5)
                    {
                        errors.Dequeue();
                    }
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(StartPatience);
            var exited = process.WaitForExitAsync(limit.Token);
            var first = await Task.WhenAny(listening.Task, exited);
            if (first != listening.Task)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string said;
                lock (errors)
                {
                    said = string.Join(" ", errors);
                }

                throw new InvalidOperationException(process.HasExited
                    ? $"The simulated home's process ended before it listened: {said}"
                    : $"The simulated home's process did not listen within {StartPatience.TotalSeconds:0} s.");
            }

            var (url, token) = await listening.Task;
            return new SimulatedHomeProcess(process, url, token);
        }
        catch
        {
            await ParentBoundProcess.StopAsync(process);
            throw;
        }
    }

    /// <summary>Moves the home's stepped clock by <paramref name="delta"/> (every physics tick on the way) and returns its new instant.</summary>
    public async Task<DateTimeOffset> AdvanceAsync(TimeSpan delta, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"simulation/advance?seconds={delta.TotalSeconds:R}"), UriKind.Relative), null, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The simulated home refused to advance its clock ({(int)response.StatusCode}): {body}");
        }

        using var json = JsonDocument.Parse(body);
        return InstantText.Parse(json.RootElement.GetProperty("now").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await ParentBoundProcess.StopAsync(_process);
    }

    /// <summary>The dotnet host and this program's entry assembly: how to start <c>darkstar</c> again, from the tests too.</summary>
    private static (string Host, string Entry) DarkstarCommand()
    {
        var entry = typeof(SimulatedHomeProcess).Assembly.Location;
        if (!File.Exists(Path.ChangeExtension(entry, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{entry} cannot be started on its own (no runtimeconfig.json beside it): the simulated home cannot run in its own process.");
        }

        var processPath = Environment.ProcessPath;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
            ?? (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet");
        return (host, entry);
    }
}
