using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Darkstar.Cli;

/// <summary><c>darkstar backfill --days N [--simulate]</c>: Home Assistant's recorder into slot observations.</summary>
public static class BackfillCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var days = new Option<int>("--days") { Description = "How many days back to read.", DefaultValueFactory = _ => 30 };
        var simulate = new Option<bool>("--simulate") { Description = "Start the simulated home in-process, with that much history, and backfill from it." };
        var command = new Command("backfill", "Pull history from Home Assistant into slot_observations (resumable; a second run changes nothing).") { days, simulate };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, context, global, parse.GetValue(days), parse.GetValue(simulate), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CliContext context, GlobalOptions global, int days, bool simulate, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 3650)
        {
            await context.Error.WriteLineAsync("--days must be between 1 and 3650.");
            return ExitCodes.InvalidInput;
        }

        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        var options = resolved.Options;
        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(options.DatabasePath);
        using var logging = CliLogging.Create(options.LogLevel);
        SimulatedHome? home = null;
        try
        {
            HomeAssistantConnectionSettings settings;
            if (simulate)
            {
                home = new SimulatedHome(new SimulatedHomeOptions
                {
                    ClockMode = SimulationClockMode.Stepped,
                    Start = context.Clock.GetUtcNow(),
                    History = TimeSpan.FromDays(days + 1),
                });
                await home.StartAsync(cancellationToken);
                await context.Error.WriteLineAsync($"Started the simulated home at {home.BaseUri} with {days + 1} days of history");
                settings = HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token);
            }
            else
            {
                settings = HomeAssistantConnectionSettings.FromOptions(options.HomeAssistant, context.Environment(OptionsContext.SupervisorTokenVariable));
            }

            TimeProvider clock = home is null ? context.Clock : home.Clock;
            await using var client = new HomeAssistantWebSocketClient(settings, context.Clock, logging.CreateLogger<HomeAssistantWebSocketClient>());
            await client.StartAsync(cancellationToken);
            var reported = options.Location.TimeZone is null ? (await client.GetConfigAsync(cancellationToken)).TimeZone : null;
            if (OptionsResolver.ResolveTimeZone(options, context, homeAssistant: reported) is not { } zone)
            {
                return ExitCodes.InvalidInput;
            }

            using var http = new HttpClient();
            var rest = new HomeAssistantRestClient(http, settings, logging.CreateLogger<HomeAssistantRestClient>());
            var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
            await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
            using var etl = new SlotEtl(
                new SlotObservationRepository(database),
                new SensorTotalRepository(database),
                new PriceRepository(database),
                new DataQualityRepository(database),
                new EtlSettings { Sensors = SensorRoles.Mapped(options.InputSensors), Limits = EnergyLimits.FromOptions(options), TimeZone = zone },
                clock,
                logging.CreateLogger<SlotEtl>());
            var backfill = new StatisticsBackfill(client, rest, etl, clock, logging.CreateLogger<StatisticsBackfill>());
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
            BackfillReport? report = null;
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"Backfilling {days} days", maxValue: days);
                report = await backfill.RunAsync(days, new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = p.Done;
                }), cancellationToken);
                task.Value = task.MaxValue;
            });
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Backfilled {InstantText.Format(report!.From)} to {InstantText.Format(report.To)} into {path}: {report.SlotsWritten} slots written, {report.InterpolatedSlots} interpolated ({report.FiveMinuteDays} days from 5-minute statistics, {report.HourlyDays} from hourly)."));
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new
                {
                    from = InstantText.Format(report.From),
                    to = InstantText.Format(report.To),
                    slots = report.SlotsWritten,
                    interpolated_slots = report.InterpolatedSlots,
                    five_minute_days = report.FiveMinuteDays,
                    hourly_days = report.HourlyDays,
                });
            }

            return ExitCodes.Success;
        }
        catch (HomeAssistantException e)
        {
            await context.Error.WriteLineAsync($"Home Assistant: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is SqliteException or SchemaVersionTooNewException or Core.Units.UnitConversionException)
        {
            await context.Error.WriteLineAsync($"backfill: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            if (home is not null)
            {
                await home.DisposeAsync();
            }
        }
    }
}
