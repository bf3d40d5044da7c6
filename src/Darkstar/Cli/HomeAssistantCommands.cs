using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Darkstar.Cli;

/// <summary><c>darkstar ha check</c>: connect to Home Assistant as the add-on would and check the sensors the options map.</summary>
public static class HomeAssistantCommands
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var simulate = new Option<bool>("--simulate") { Description = "Start the simulated home in-process and check against it." };
        var check = new Command("check", "Connect to Home Assistant and check every entity the options map (exists, unit, value now).") { simulate };
        check.SetAction((parse, cancellationToken) => CheckAsync(parse, context, global, parse.GetValue(simulate), cancellationToken));
        return new Command("ha", "Talk to Home Assistant.") { check };
    }

    private static async Task<int> CheckAsync(ParseResult parse, CliContext context, GlobalOptions global, bool simulate, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        using var logging = CliLogging.Create(resolved.Options.LogLevel);
        SimulatedHome? home = null;
        try
        {
            HomeAssistantConnectionSettings settings;
            if (simulate)
            {
                // A day of simulated past, so the counters hold what a lived-in home's would.
                home = new SimulatedHome(new SimulatedHomeOptions
                {
                    ClockMode = SimulationClockMode.Stepped,
                    Start = context.Clock.GetUtcNow(),
                    History = TimeSpan.FromDays(1),
                });
                await home.StartAsync(cancellationToken);
                await context.Output.WriteLineAsync($"Started the simulated home at {home.BaseUri}");
                settings = HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token);
            }
            else
            {
                settings = HomeAssistantConnectionSettings.FromOptions(
                    resolved.Options.HomeAssistant, context.Environment(OptionsContext.SupervisorTokenVariable));
            }

            return await CheckAgainstAsync(settings, resolved, parse.GetValue(global.Json), context, logging, cancellationToken);
        }
        catch (HomeAssistantException e)
        {
            await context.Error.WriteLineAsync($"Home Assistant: {e.Message}");
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

    private static async Task<int> CheckAgainstAsync(
        HomeAssistantConnectionSettings settings,
        ResolvedOptions resolved,
        bool json,
        CliContext context,
        ILoggerFactory logging,
        CancellationToken cancellationToken)
    {
        await using var client = new HomeAssistantWebSocketClient(settings, context.Clock, logging.CreateLogger<HomeAssistantWebSocketClient>());
        using var connectLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectLimit.CancelAfter(ConnectTimeout);
        try
        {
            await client.StartAsync(connectLimit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync($"Home Assistant at {settings.WebSocketUri} did not answer within {ConnectTimeout.TotalSeconds:0} s; check home_assistant.url.");
            return ExitCodes.Failure;
        }

        var config = await client.GetConfigAsync(cancellationToken);
        var states = await client.GetStatesAsync(cancellationToken);
        var findings = SensorMappingCheck.Check(resolved.Options, states);

        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Home Assistant {config.Version} \"{config.LocationName}\" in {config.TimeZone}, {states.Count} entities; options from {resolved.Source}"));
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("option").AddColumn("entity").AddColumn("state").AddColumn(new TableColumn("value").RightAligned()).AddColumn("check");
        foreach (var finding in findings)
        {
            table.AddRow(
                Markup.Escape(finding.Option),
                Markup.Escape(finding.EntityId),
                Markup.Escape($"{finding.State} {finding.Unit}".Trim()),
                finding.Value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "",
                Markup.Escape($"{finding.Level.ToString().ToLowerInvariant()}: {finding.Message}"));
        }

        ConsoleRendering.For(context.Output).Write(table);
        var problems = findings.Count(f => f.Level == FindingLevel.Problem);
        var warnings = findings.Count(f => f.Level == FindingLevel.Warning);
        await context.Output.WriteLineAsync($"{findings.Count} entities checked: {problems} problems, {warnings} warnings.");
        if (json)
        {
            JsonReport.Write(context.Output, new
            {
                home_assistant_version = config.Version,
                time_zone = config.TimeZone,
                entities = states.Count,
                problems,
                warnings,
                checks = findings.Select(f => new
                {
                    option = f.Option,
                    entity_id = f.EntityId,
                    state = f.State,
                    unit = f.Unit,
                    value = f.Value,
                    level = f.Level.ToString().ToLowerInvariant(),
                    message = f.Message,
                }).ToArray(),
            });
        }

        return problems == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
