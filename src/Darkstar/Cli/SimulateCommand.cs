using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Time;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;

namespace Darkstar.Cli;

/// <summary>
/// Runs the simulated home (Home Assistant's APIs over a synthetic or replayed home) until Ctrl+C, so
/// Darkstar, a browser or any Home Assistant client can be pointed at it.
/// </summary>
public static class SimulateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8123 };
        var home = new Option<DirectoryInfo?>("--home") { Description = "A home data set folder to replay (home.yaml, meters.csv, prices.csv, weather_daily.csv); default: the synthetic home." };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second; 1 runs the synthetic home on the machine's clock.", DefaultValueFactory = _ => 1 };
        var token = new Option<string>("--token") { Description = "The long-lived access token clients must present.", DefaultValueFactory = _ => SimulatedHomeOptions.DefaultToken };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic home.", DefaultValueFactory = _ => 1 };
        var historyDays = new Option<int>("--history-days") { Description = "Days of simulated past (history and statistics) the home has at start.", DefaultValueFactory = _ => 7 };
        var mqttPort = new Option<int>("--mqtt-port") { Description = "The loopback broker's port that the Supervisor's /services/mqtt names.", DefaultValueFactory = _ => new SimulatedHomeOptions().MqttPort };
        var stepped = new Option<bool>("--stepped") { Description = "A clock that stands still until POST /simulation/advance?seconds=S moves it (bench soak runs the home so, in its own process)." };
        var start = new Option<string?>("--start") { Description = "The simulated instant to start at (ISO 8601, e.g. 2026-01-04T23:00:00Z); default: now (the data set's own dates with --home)." };
        var command = new Command("simulate", "Run the simulated home: Home Assistant's REST and WebSocket APIs on loopback, until Ctrl+C.")
        {
            port, home, speed, token, seed, historyDays, mqttPort, stepped, start,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context, global, parse, new SimulateArguments(port, home, speed, token, seed, historyDays, mqttPort, stepped, start), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        GlobalOptions global,
        ParseResult parse,
        SimulateArguments arguments,
        CancellationToken cancellationToken)
    {
        var (port, home, speed, token, seed, historyDays, mqttPort, stepped, start) = arguments;
        var speedValue = parse.GetValue(speed);
        if (!(speedValue > 0) || double.IsInfinity(speedValue))
        {
            await context.Error.WriteLineAsync($"--speed: {speedValue.ToString(CultureInfo.InvariantCulture)} is not a positive number.");
            return ExitCodes.InvalidInput;
        }

        var portValue = parse.GetValue(port);
        if (portValue is < 0 or > 65535)
        {
            await context.Error.WriteLineAsync($"--port: {portValue} is not a TCP port (0 to 65535).");
            return ExitCodes.InvalidInput;
        }

        var folder = parse.GetValue(home);
        if (folder is not null && !File.Exists(Path.Combine(folder.FullName, "home.yaml")))
        {
            await context.Error.WriteLineAsync($"--home: {folder.FullName} has no home.yaml; a home data set folder holds home.yaml, meters.csv, prices.csv and weather_daily.csv.");
            return ExitCodes.InvalidInput;
        }

        var days = parse.GetValue(historyDays);
        if (days is < 0 or > 60)
        {
            await context.Error.WriteLineAsync($"--history-days: {days} is not between 0 and 60.");
            return ExitCodes.InvalidInput;
        }

        var brokerPort = parse.GetValue(mqttPort);
        if (brokerPort is < 1 or > 65535)
        {
            await context.Error.WriteLineAsync($"--mqtt-port: {brokerPort} is not a TCP port (1 to 65535).");
            return ExitCodes.InvalidInput;
        }

        DateTimeOffset? startAt = null;
        if (parse.GetValue(start) is { } startText)
        {
            if (!InstantText.TryParse(startText, out var parsed))
            {
                await context.Error.WriteLineAsync($"--start: {startText} is not an instant (ISO 8601 with its offset, e.g. 2026-01-04T23:00:00Z).");
                return ExitCodes.InvalidInput;
            }

            startAt = parsed;
        }

        // A replayed home runs from its data set's own dates, so it always needs an accelerated (or stepped) clock.
        var isStepped = parse.GetValue(stepped);
        var realTime = !isStepped && folder is null && speedValue == 1 && startAt is null;
        SimulatedHome simulated;
        try
        {
            simulated = new SimulatedHome(new SimulatedHomeOptions
            {
                Port = portValue,
                HomeFolder = folder?.FullName,
                Token = parse.GetValue(token) ?? SimulatedHomeOptions.DefaultToken,
                Seed = parse.GetValue(seed),
                ClockMode = isStepped ? SimulationClockMode.Stepped : realTime ? SimulationClockMode.RealTime : SimulationClockMode.Accelerated,
                Start = startAt,
                Speed = speedValue,
                History = TimeSpan.FromDays(days),
                MqttPort = brokerPort,
            });
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or YamlDotNet.Core.YamlException)
        {
            await context.Error.WriteLineAsync($"--home: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        await using (simulated)
        {
            try
            {
                await simulated.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                await context.Error.WriteLineAsync($"--port: cannot listen on 127.0.0.1:{portValue}: {e.Message}");
                return ExitCodes.Failure;
            }

            await context.Output.WriteLineAsync($"Simulated home \"{simulated.Source.Site.Name}\" at {simulated.BaseUri} (WebSocket {simulated.WebSocketUri})");
            await context.Output.WriteLineAsync($"Token: {simulated.Token}");
            await context.Output.WriteLineAsync(isStepped
                ? $"Clock: stepped at {InstantText.Format(simulated.Clock.GetUtcNow())}, moved by POST /simulation/advance?seconds=S. Ctrl+C stops."
                : string.Create(CultureInfo.InvariantCulture,
                    $"Clock: {simulated.Clock.Mode} at {simulated.Clock.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'}, {speedValue} simulated s per s. Ctrl+C stops."));
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new { url = simulated.BaseUri.ToString(), port = simulated.Port, token = simulated.Token });
            }

            await context.Output.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop cleanly.
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await simulated.StopAsync(limit.Token);
        }

        return ExitCodes.Success;
    }

    private sealed record SimulateArguments(
        Option<int> Port,
        Option<DirectoryInfo?> Home,
        Option<double> Speed,
        Option<string> Token,
        Option<int> Seed,
        Option<int> HistoryDays,
        Option<int> MqttPort,
        Option<bool> Stepped,
        Option<string?> Start);
}
