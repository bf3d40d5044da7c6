using System.CommandLine;
using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Forecasting.Runtime;
using Darkstar.Mqtt;
using Darkstar.Mqtt.Discovery;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary><c>darkstar mqtt announce</c>: publish the Darkstar device, its entities and the database's current figures once.</summary>
public static class MqttCommands
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var host = new Option<string?>("--broker-host") { Description = "The MQTT broker's host (default: mqtt.host, or the Supervisor's MQTT service)." };
        var port = new Option<int?>("--broker-port") { Description = "The MQTT broker's port (default: mqtt.port)." };
        var username = new Option<string?>("--username") { Description = "The broker user (default: mqtt.username)." };
        var password = new Option<string?>("--password") { Description = "The broker password (default: mqtt.password); never printed." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the broker.", DefaultValueFactory = _ => (int)DefaultTimeout.TotalSeconds };
        var announce = new Command("announce", "Connect, publish availability, discovery and the current states from the database, and exit.")
        {
            host, port, username, password, timeout,
        };
        announce.SetAction((parse, cancellationToken) => AnnounceAsync(
            parse, context, global,
            new BrokerOverrides(parse.GetValue(host), parse.GetValue(port), parse.GetValue(username), parse.GetValue(password)),
            TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))),
            cancellationToken));
        return new Command("mqtt", "Darkstar's MQTT entities in Home Assistant.") { announce };
    }

    private sealed record BrokerOverrides(string? Host, int? Port, string? Username, string? Password);

    private static async Task<int> AnnounceAsync(
        ParseResult parse, CliContext context, GlobalOptions global, BrokerOverrides overrides, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        var options = resolved.Options;
        if (overrides.Port is < 1 or > 65535)
        {
            await context.Error.WriteLineAsync($"--broker-port {overrides.Port} is not a port (1-65535).");
            return ExitCodes.InvalidInput;
        }

        if (OptionsResolver.ResolveTimeZone(options, context) is not { } zone)
        {
            return ExitCodes.InvalidInput;
        }

        var mqttOptions = options.Mqtt with
        {
            Host = overrides.Host ?? options.Mqtt.Host,
            Port = overrides.Port ?? options.Mqtt.Port,
            Username = overrides.Username ?? options.Mqtt.Username,
            Password = overrides.Password ?? options.Mqtt.Password,
        };
        using var logging = CliLogging.Create(options.LogLevel);
        MqttConnectionSettings settings;
        try
        {
            using var http = new HttpClient { Timeout = timeout };
            settings = await MqttBrokerSettingsResolver.ResolveAsync(
                mqttOptions, context.Environment(OptionsContext.SupervisorTokenVariable), http, cancellationToken);
        }
        catch (Exception e) when (e is MqttConfigurationException or HttpRequestException or TaskCanceledException)
        {
            await context.Error.WriteLineAsync($"MQTT: {e.Message}");
            return ExitCodes.Failure;
        }

        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(options.DatabasePath);
        var database = File.Exists(path) ? new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>()) : null;
        var schemaVersion = database is null ? 0 : await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).GetCurrentVersionAsync(cancellationToken);
        if (database is not null && schemaVersion < Migrations.LatestVersion)
        {
            await context.Error.WriteLineAsync(
                $"Database {path} is at schema version {schemaVersion}, this Darkstar needs {Migrations.LatestVersion}; run 'darkstar db migrate --db {path}'.");
            return ExitCodes.Failure;
        }

        try
        {
            return await AnnounceToAsync(settings, options, zone, database, timeout, context, logging, parse.GetValue(global.Json), cancellationToken);
        }
        catch (Exception e) when (e is MqttException or SqliteException)
        {
            await context.Error.WriteLineAsync($"MQTT: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> AnnounceToAsync(
        MqttConnectionSettings settings,
        DarkstarOptions options,
        TimeZoneInfo zone,
        DarkstarDatabase? database,
        TimeSpan timeout,
        CliContext context,
        ILoggerFactory logging,
        bool json,
        CancellationToken cancellationToken)
    {
        var topics = new DarkstarTopics(options.Mqtt.DiscoveryPrefix, options.Mqtt.TopicBase);
        // Its own client id, so announcing from a shell does not knock the running add-on off the broker.
        await using var connection = new MqttConnection(
            settings with { ClientId = "darkstar-announce", ReconnectMaxDelay = TimeSpan.FromSeconds(2) },
            TimeProvider.System,
            logging.CreateLogger<MqttConnection>());
        IUserSettingsStore stored = database is null
            ? new NoStoredSettings()
            : new DatabaseUserSettingsStore(new UserSettingRepository(database), context.Clock);
        using var controls = new ControlStore(
            DarkstarControlValues.FromOptions(options), new ReadOnlySettings(stored), logging.CreateLogger<ControlStore>());
        await controls.LoadAsync(cancellationToken);
        using var service = new DarkstarMqttService(
            connection,
            new DarkstarMqttSettings
            {
                Topics = topics,
                Currency = options.Pricing.Currency,
                SoftwareVersion = VersionCommand.Version,
                FlexibleLoads = [.. options.FlexibleLoads.Select(l => l.Name)],
            },
            controls,
            new ServiceTriggers(),
            context.Clock,
            logging.CreateLogger<DarkstarMqttService>());

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await service.StartAsync(limit.Token);
            await service.WaitUntilStartedAsync(limit.Token);
            if (database is not null)
            {
                using var models = new AuroraModelStore(new ModelRunRepository(database), AuroraModelStore.FolderBeside(database.Path));
                await new DatabaseStateReader(
                        database, context.Clock, models.ResolveForecastVersionAsync, options.WaterHeating.Enabled, flexibleLoads: [.. options.FlexibleLoads.Select(l => l.Name)])
                    .PublishAsync(service.Publisher, controls.Current.ForecastVersion, zone, limit.Token);
            }

            await connection.WaitUntilConnectedAsync(limit.Token);
            await connection.FlushAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var why = connection.LastRefusal is { } refusal ? $"it refused the connection: {refusal}" : "it is not reachable";
            await context.Error.WriteLineAsync(
                $"MQTT: the broker at {settings.Host}:{settings.Port} did not accept Darkstar within {timeout.TotalSeconds:0} s ({why}); check the broker host, port and credentials.");
            await service.StopAsync(CancellationToken.None);
            return ExitCodes.Failure;
        }

        await service.StopAsync(CancellationToken.None);
        await context.Output.WriteLineAsync(
            $"Announced {service.Entities.Count} entities on {topics.DeviceConfig} at {settings.Host}:{settings.Port}{(database is null ? " (no database: states unknown)" : "")}.");
        if (json)
        {
            JsonReport.Write(context.Output, new
            {
                broker = $"{settings.Host}:{settings.Port}",
                discovery_topic = topics.DeviceConfig,
                entities = service.Entities.Count,
                database = database?.Path,
            });
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Announcing is one-shot: a command that arrives meanwhile is for the running add-on, not for this process, so nothing
    /// is written (the command is refused and its control's state published again); presses wake nothing here.
    /// </summary>
    private sealed class ReadOnlySettings(IUserSettingsStore stored) : IUserSettingsStore
    {
        public Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken) => stored.LoadAsync(cancellationToken);

        public Task SaveAsync(string controlId, string value, CancellationToken cancellationToken) =>
            Task.FromException(new InvalidOperationException("'darkstar mqtt announce' does not carry out commands; the running add-on does."));
    }

    private sealed class NoStoredSettings : IUserSettingsStore
    {
        public Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

        public Task SaveAsync(string controlId, string value, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
