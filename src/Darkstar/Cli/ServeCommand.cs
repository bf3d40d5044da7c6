using System.CommandLine;
using System.Globalization;
using System.Net;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.Mqtt;
using Darkstar.Service;
using Darkstar.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary><c>darkstar serve [--simulate ...]</c>: the add-on service, against Home Assistant or the simulated home.</summary>
public static class ServeCommand
{
    /// <summary>The add-on's ingress port, where <c>/health</c> answers.</summary>
    public const int IngressPort = 8099;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var simulate = new Option<bool>("--simulate") { Description = "Run against the built-in simulated home (accelerated clock), with a local MQTT broker if mosquitto is installed." };
        var home = new Option<DirectoryInfo?>("--home") { Description = "With --simulate: a home data set folder to replay instead of the synthetic home." };
        var speed = new Option<double>("--speed") { Description = "With --simulate: simulated seconds per real second.", DefaultValueFactory = _ => 600 };
        var duration = new Option<string?>("--for") { Description = "With --simulate: stop after this much simulated time (e.g. 6h, 2d) and print a summary." };
        var historyDays = new Option<int>("--history-days") { Description = "With --simulate: days of the home's past to backfill first.", DefaultValueFactory = _ => 8 };
        var healthPort = new Option<int?>("--health-port") { Description = $"Port of /health (default {IngressPort}; with --simulate a free one)." };
        var command = new Command("serve", "The add-on: learn, forecast, plan, execute and publish until stopped.")
        {
            simulate, home, speed, duration, historyDays, healthPort,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var arguments = new ServeArguments(
                parse.GetValue(simulate), parse.GetValue(home), parse.GetValue(speed), parse.GetValue(duration), parse.GetValue(historyDays), parse.GetValue(healthPort));
            return RunAsync(parse, context, global, arguments, cancellationToken);
        });
        return command;
    }

    internal sealed record ServeArguments(bool Simulate, DirectoryInfo? Home, double Speed, string? For, int HistoryDays, int? HealthPort);

    /// <summary>Parses <c>90m</c>, <c>6h</c>, <c>2d</c>: a positive whole number and a unit.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            return false;
        }

        duration = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => TimeSpan.Zero,
        };
        return duration > TimeSpan.Zero;
    }

    private static async Task<int> RunAsync(ParseResult parse, CliContext context, GlobalOptions global, ServeArguments arguments, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        var options = resolved.Options;
        if (arguments.Simulate && arguments.Home is { } replayed && parse.GetValue(global.Config) is null)
        {
            // The embedded options describe the synthetic home (Stockholm, SEK); a replayed data set is a home of its own.
            try
            {
                options = SimulatedServe.ForReplayedHome(options, HomeDataset.Load(replayed.FullName));
            }
            catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException)
            {
                await context.Error.WriteLineAsync($"--home: {e.Message}");
                return ExitCodes.InvalidInput;
            }
        }

        var problems = Validate(options, arguments, out var runFor);
        if (problems.Count > 0)
        {
            await context.Error.WriteLineAsync($"serve: invalid options ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):");
            foreach (var problem in problems)
            {
                await context.Error.WriteLineAsync($"  {problem}");
            }

            return ExitCodes.InvalidInput;
        }

        var zone = TimeZones.Find(options.Location.TimeZone!);
        var site = new HomeSite(options.Location.Latitude!.Value, options.Location.Longitude!.Value, zone);
        var logLevel = CliLogging.ToLogLevel(options.LogLevel);
        if (arguments.Simulate)
        {
            var databasePath = parse.GetValue(global.Database)?.FullName;
            return await SimulatedServe.RunAsync(context, options, databasePath, zone, site, arguments, runFor, logLevel, parse.GetValue(global.Json), cancellationToken);
        }

        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(options.DatabasePath);
        using var logging = CliLogging.Create(options.LogLevel);
        var supervisorToken = context.Environment(OptionsContext.SupervisorTokenVariable);
        var supervisorUrl = context.Environment(OptionsContext.SupervisorUrlVariable);
        Uri? supervisor = null;
        if (!string.IsNullOrEmpty(supervisorUrl) && !Uri.TryCreate(supervisorUrl, UriKind.Absolute, out supervisor))
        {
            await context.Error.WriteLineAsync($"{OptionsContext.SupervisorUrlVariable}: '{supervisorUrl}' is not an absolute URL such as http://supervisor/.");
            return ExitCodes.InvalidInput;
        }

        var healthEndpoint = new IPEndPoint(string.IsNullOrEmpty(supervisorToken) ? IPAddress.Loopback : IPAddress.Any, arguments.HealthPort ?? IngressPort);
        if (PortTakenProblem(healthEndpoint, arguments.HealthPort is null) is { } portTaken)
        {
            await context.Error.WriteLineAsync($"serve: {portTaken}");
            return ExitCodes.Failure;
        }

        if (!await MigrateAsync(path, context, logging, cancellationToken))
        {
            return ExitCodes.Failure;
        }

        MqttConnectionSettings? mqtt = null;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            mqtt = await MqttBrokerSettingsResolver.ResolveAsync(options.Mqtt, supervisorToken, http, cancellationToken, supervisor);
        }
        catch (Exception e) when (e is MqttConfigurationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync($"MQTT is off: {e.Message}");
        }

        // In the add-on, Home Assistant reaches the web port through ingress (and nothing else may); standalone, only this machine may.
        var addOn = !string.IsNullOrEmpty(supervisorToken);
        var settings = new ServeSettings
        {
            Options = options,
            DatabasePath = path,
            TimeZone = zone,
            Site = site,
            HomeAssistant = HomeAssistantConnectionSettings.FromOptions(options.HomeAssistant, supervisorToken, supervisor),
            Mqtt = mqtt,
            Clock = context.Clock,
            HealthEndpoint = healthEndpoint,
            IngressOnly = addOn,
            LogLevel = logLevel,
        };
        await using var app = DarkstarServiceHost.Build(settings);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException or null)
        {
            // Taken between the check above and now.
            await context.Error.WriteLineAsync($"serve: {PortTakenMessage(healthEndpoint, arguments.HealthPort is null)} ({e.Message})");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("Darkstar stopped while starting.");
            return ExitCodes.Success;
        }

        await context.Error.WriteLineAsync($"Darkstar serves; health at {HealthUri(app)}");
        try
        {
            // Ctrl+C and SIGTERM (the Supervisor stopping the add-on) reach the command's token (Program.cs); the host has no
            // signal handlers of its own (SignalFreeHostLifetime).
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: stop the loops in order.
        }

        await app.StopAsync(CancellationToken.None);
        if (!cancellationToken.IsCancellationRequested)
        {
            // Nobody asked it to stop: a part ended the host. The Supervisor must see a failure, not a clean stop.
            await context.Error.WriteLineAsync("serve: the service stopped after an error (see the log above); it exits so that it is restarted.");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    /// <summary>Null when <paramref name="endpoint"/> is free to listen on; else what to do about it.</summary>
    internal static string? PortTakenProblem(IPEndPoint endpoint, bool defaultPort)
    {
        if (endpoint.Port == 0)
        {
            return null;
        }

        try
        {
            var listener = new System.Net.Sockets.TcpListener(endpoint);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return $"{PortTakenMessage(endpoint, defaultPort)} ({e.Message})";
        }
    }

    private static string PortTakenMessage(IPEndPoint endpoint, bool defaultPort) =>
        $"port {endpoint.Port} for /health is in use (another program, or Darkstar runs already): stop it, or choose another port with --health-port" +
        (defaultPort ? $" (the default is {IngressPort})" : "");

    /// <summary>What the service needs of valid options beyond what the options themselves require (<c>config check</c> says it too).</summary>
    internal static List<string> ServiceRequirements(DarkstarOptions options)
    {
        var problems = new List<string>();
        if (options.Location.Latitude is null || options.Location.Longitude is null)
        {
            problems.Add("location.latitude and location.longitude: the forecasts need your home's position.");
        }

        if (!HomeTimeZone.TryResolve(null, options.Location.TimeZone, null, out _, out var zoneProblem))
        {
            problems.Add(zoneProblem + ".");
        }

        return problems;
    }

    internal static List<string> Validate(DarkstarOptions options, ServeArguments arguments, out TimeSpan? runFor)
    {
        var problems = ServiceRequirements(options);
        runFor = null;

        if (arguments.HealthPort is < 0 or > 65535)
        {
            problems.Add($"--health-port: {arguments.HealthPort} is not a TCP port (0 to 65535).");
        }

        if (!arguments.Simulate)
        {
            if (arguments.Home is not null || arguments.For is not null)
            {
                problems.Add("--home and --for go with --simulate.");
            }

            return problems;
        }

        if (!(arguments.Speed > 0) || double.IsInfinity(arguments.Speed))
        {
            problems.Add($"--speed: {arguments.Speed.ToString(CultureInfo.InvariantCulture)} is not a positive number.");
        }

        if (arguments.HistoryDays is < 1 or > 60)
        {
            problems.Add($"--history-days: {arguments.HistoryDays} is not between 1 and 60.");
        }

        if (arguments.Home is { } folder && !File.Exists(Path.Combine(folder.FullName, "home.yaml")))
        {
            problems.Add($"--home: {folder.FullName} has no home.yaml.");
        }

        if (arguments.For is not null)
        {
            if (TryParseDuration(arguments.For, out var parsed))
            {
                runFor = parsed;
            }
            else
            {
                problems.Add($"--for: '{arguments.For}' is not a duration such as 90m, 6h or 2d.");
            }
        }

        return problems;
    }

    internal static async Task<bool> MigrateAsync(string path, CliContext context, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
            await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SqliteException or DatabaseCorruptException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"serve: {DatabaseFaults.Describe(e, path)}");
            return false;
        }
        catch (Exception e) when (e is SchemaVersionTooNewException or IOException)
        {
            await context.Error.WriteLineAsync($"serve: database {path}: {e.Message}");
            return false;
        }
    }

    internal static Uri HealthUri(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), "/health");
    }
}
