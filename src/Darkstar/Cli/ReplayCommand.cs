using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar replay</c>, the Time Machine: the home's own days again in closed loop, with only what was known at each
/// plan, carried out by the executor's own rule against what was measured, and costed against no battery, the
/// self-consumption rule and the Oracle; <c>--set</c> asks what if an option had been otherwise.
/// </summary>
public static class ReplayCommand
{
    /// <summary>The options a what-if may change: what the closed loop plans, carries out and costs with.</summary>
    internal static readonly string[] WhatIfOptions =
    [
        "battery.capacity_kwh", "battery.min_soc_percent", "battery.max_soc_percent", "battery.max_charge_kw", "battery.max_discharge_kw",
        "battery.round_trip_efficiency", "battery.cycle_cost_per_kwh", "grid.export_allowed", "grid.max_import_kw", "grid.max_export_kw",
        "s_index.risk_appetite", "pricing.vat_percent", "pricing.transfer_fee_per_kwh", "pricing.energy_tax_per_kwh", "pricing.export_bonus_per_kwh",
        "planner.horizon_hours",
    ];

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var from = new Option<string>("--from") { Description = "First local day, yyyy-MM-dd.", Required = true };
        var days = new Option<int>("--days") { Description = "Local days to replay.", DefaultValueFactory = _ => 7 };
        var forecasts = new Option<string>("--forecasts")
        {
            Description = "stored: the forecasts as slot_forecasts holds them issued, else the baseline walked forward; baseline: the 7-day baseline; "
                + "aurora: Aurora trained walking forward on the database (with the observed weather: a perfect weather forecast); perfect: what was measured.",
            DefaultValueFactory = _ => "stored",
        };
        forecasts.AcceptOnlyFromAmong("stored", "baseline", "aurora", "perfect");
        var set = new Option<string[]>("--set")
        {
            Description = "A what-if, option=value as the options file spells it (repeatable): " + string.Join(", ", WhatIfOptions) + ".",
            AllowMultipleArgumentsPerToken = false,
        };
        var replan = new Option<int>("--replan-minutes") { Description = "Minutes between plans (a multiple of 15).", DefaultValueFactory = _ => 60 };
        var command = new Command("replay", "The Time Machine: replay days of the database in closed loop and cost them against no battery, self-consumption and the Oracle.")
        {
            from, days, forecasts, set, replan,
        };
        command.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "replay", async (options, zone, database, logging) =>
        {
            if (!DayText.TryParse(parse.GetValue(from), out var firstDay))
            {
                await context.Error.WriteLineAsync($"--from: '{parse.GetValue(from)}' is not a date of the form yyyy-MM-dd.");
                return ExitCodes.InvalidInput;
            }

            var replanMinutes = parse.GetValue(replan);
            if (parse.GetValue(days) < 1 || replanMinutes < SlotGrid.MinutesPerSlot || replanMinutes % SlotGrid.MinutesPerSlot != 0)
            {
                await context.Error.WriteLineAsync("--days must be at least 1 and --replan-minutes a positive multiple of 15.");
                return ExitCodes.InvalidInput;
            }

            var changes = parse.GetValue(set) ?? [];
            if (WhatIf(options, changes, context) is not { } whatIf)
            {
                return ExitCodes.InvalidInput;
            }

            var request = new ReplayRequest(firstDay, parse.GetValue(days), parse.GetValue(forecasts)!, changes, replanMinutes / SlotGrid.MinutesPerSlot);
            return await RunAsync(context, whatIf, zone, database, logging, request, parse.GetValue(global.Json), cancellationToken);
        }, cancellationToken));
        return command;
    }

    /// <summary>The options with the what-ifs applied and validated, or null after every problem has been written.</summary>
    internal static DarkstarOptions? WhatIf(DarkstarOptions options, IReadOnlyList<string> changes, CliContext context)
    {
        var unknown = changes.Select(c => c.Split('=', 2)[0].Trim()).Where(p => !WhatIfOptions.Contains(p, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            context.Error.WriteLine($"--set: {string.Join(", ", unknown)} cannot be changed in a replay; these can: {string.Join(", ", WhatIfOptions)}.");
            return null;
        }

        if (changes.Count == 0)
        {
            return options;
        }

        var result = OptionsLoader.WithChanges(options, changes, "--set", OptionsContext.Standalone);
        if (result.IsValid && result.Options is not null)
        {
            return result.Options;
        }

        OptionsResolver.WriteErrors(context.Error, result);
        return null;
    }

    internal sealed record ReplayRequest(DateOnly From, int Days, string Forecasts, IReadOnlyList<string> Changes, int ReplanSlots);

    private sealed record DayReport(string Day, string Quality, double NoBattery, double SelfConsumption, double Mpc, double Oracle);

    private static async Task<int> RunAsync(
        CliContext context, DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, ILoggerFactory logging, ReplayRequest request,
        bool json, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var period = SlotRange.Between(SlotGrid.StartOfLocalDay(request.From, zone), SlotGrid.StartOfLocalDay(request.From.AddDays(request.Days), zone));
        var series = ActualSeriesReader.Around(period);
        var observations = new SlotObservationRepository(database);
        var actual = await ActualSeriesReader.ReadAsync(observations, new PriceRepository(database), series, cancellationToken);
        if (request.Changes.Any(c => c.StartsWith("pricing.", StringComparison.Ordinal)))
        {
            // A tariff what-if prices every slot again from its spot price, with the options' tariff as changed.
            actual = await WithTariffAsync(actual, new PriceRepository(database), Tariff.FromOptions(options.Pricing), cancellationToken);
        }

        var first = actual.PositionOf(period.FirstIndex);
        var missingLoad = Enumerable.Range(first, period.Count).Count(i => actual.Load[i] is null);
        var missingPrice = Enumerable.Range(first, period.Count).Count(i => actual.ImportPrice[i] is null || actual.ExportPrice[i] is null);
        if (missingLoad > 0 || missingPrice > 0)
        {
            await context.Error.WriteLineAsync(
                $"replay: of the {period.Count} slots from {DayText.Format(request.From)} over {request.Days} days, {missingLoad} have no load and {missingPrice} no price in the database; "
                + "choose days it holds (darkstar db stats, or import-dataset / backfill first).");
            return ExitCodes.InvalidInput;
        }

        var battery = BatterySpec.FromOptions(options.Battery);
        var executor = ClosedLoopReplay.Executor(options, battery);
        using var aurora = request.Forecasts == "aurora" ? await AuroraAsync(options, zone, database, series, logging, cancellationToken) : null;
        StoredForecastSource? stored = null;
        if (request.Forecasts == "stored")
        {
            stored = await StoredAsync(options, zone, database, actual, series, cancellationToken);
        }

        var settings = ClosedLoopReplay.Settings(
            options, battery, GridSpec.FromOptions(options.Grid), zone, period, actual, request.ReplanSlots,
            request.Forecasts switch
            {
                "perfect" => ClosedLoopForecast.Perfect,
                "baseline" => ClosedLoopForecast.Baseline,
                _ => ClosedLoopForecast.Supplied,
            },
            (IPlanningForecastSource?)aurora ?? stored,
            ClosedLoopExecution.Executor,
            executor);
        await context.Error.WriteLineAsync($"Replaying {request.Days} days from {DayText.Format(request.From)} ({period.Count} slots), a plan every {request.ReplanSlots * SlotGrid.MinutesPerSlot} minutes ...");
        var result = await Task.Run(() => ClosedLoop.Run(actual, settings, progress: null, cancellationToken), cancellationToken);
        var lastDay = request.From.AddDays(request.Days - 1);
        var verdicts = (await new DataQualityRepository(database).ReadRangeAsync(request.From, lastDay, cancellationToken)).ToDictionary(q => q.Day, q => q.Status);
        var quality = verdicts.ToDictionary(
            v => v.Key, v => v.Value switch { DayQualityStatus.Clean => "clean", DayQualityStatus.MaskBattery => "mask_battery", _ => "exclude" });
        // The replay's slots become Antares's simulation episodes, a replay of the same days replacing the last one's.
        var episodes = AntaresEpisodes.FromClosedLoop(result, actual, zone, battery, GridSpec.FromOptions(options.Grid), verdicts, context.Clock.GetUtcNow());
        await new TrainingEpisodeRepository(database).ReplaceAsync(AntaresEpisodes.Simulation, request.From, lastDay, episodes, cancellationToken);
        var perDay = ReplayDay.Of(result, zone)
            .Select(d => new DayReport(DayText.Format(d.Day), quality.GetValueOrDefault(d.Day, "unjudged"), R(d.NoBattery), R(d.SelfConsumption), R(d.Mpc), R(d.Oracle)))
            .ToList();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var currency = options.Pricing.Currency;
        var output = context.Output;
        output.WriteLine(
            FormattableString.Invariant($"{request.Days} days from {DayText.Format(request.From)}: battery {battery.CapacityKwh} kWh / {battery.MaxChargeKw} kW, {request.Forecasts} forecasts")
            + (stored is null ? string.Empty : FormattableString.Invariant($" ({stored.StoredSlots} slots as issued, {stored.BaselineSlots} from the baseline)"))
            + FormattableString.Invariant($", a plan every {request.ReplanSlots * SlotGrid.MinutesPerSlot} min, carried out by the executor's rule")
            + (request.Changes.Count == 0 ? "." : $"; what-if {string.Join(", ", request.Changes)}."));
        output.WriteLine($"{"day",-10} {"quality",-12} {"no battery",10} {"self-cons.",10} {"MPC",10} {"Oracle",10}");
        foreach (var d in perDay)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Day,-10} {d.Quality,-12} {d.NoBattery,10:0.00} {d.SelfConsumption,10:0.00} {d.Mpc,10:0.00} {d.Oracle,10:0.00}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total ({currency}, energy gained in the battery credited at {settings.FinalCreditPerKwh:0.0000}/kWh): no battery {result.NoBattery.Cost:0.00}, self-consumption {result.SelfConsumption.Cost:0.00}, MPC {result.Mpc.Cost:0.00}, Oracle {result.Oracle.Cost:0.00}; gain capture {result.GainCapture:0.000}; {result.Plans} plans, {result.FallbackPlans} fallbacks, {executor.Commands.Count} commands; {episodes.Count} slots recorded as episodes; {seconds:0.0} s."));
        if (json)
        {
            JsonReport.Write(output, new
            {
                from = DayText.Format(request.From),
                days = request.Days,
                forecasts = request.Forecasts,
                what_if = request.Changes,
                no_battery = R(result.NoBattery.Cost),
                self_consumption = R(result.SelfConsumption.Cost),
                mpc = R(result.Mpc.Cost),
                oracle = R(result.Oracle.Cost),
                gain_capture = double.IsNaN(result.GainCapture) ? (double?)null : Math.Round(result.GainCapture, 4),
                plans = result.Plans,
                fallbacks = result.FallbackPlans,
                commands = executor.Commands.Count,
                episodes = episodes.Count,
                seconds = Math.Round(seconds, 1),
                per_day = perDay,
            });
        }

        return ExitCodes.Success;
    }

    private static double R(double value) => Math.Round(value, 2);

    private static async Task<ActualSeries> WithTariffAsync(ActualSeries actual, PriceRepository prices, Tariff tariff, CancellationToken cancellationToken)
    {
        var import = new double?[actual.Range.Count];
        var export = new double?[actual.Range.Count];
        foreach (var p in await prices.ReadRangeAsync(actual.Range, cancellationToken))
        {
            if (p.SpotPrice is { } spot)
            {
                var i = actual.Range.PositionOf(p.SlotStart);
                import[i] = tariff.ImportPrice(spot);
                export[i] = tariff.ExportPrice(spot);
            }
        }

        return actual with { ImportPrice = import, ExportPrice = export };
    }

    private static async Task<StoredForecastSource> StoredAsync(
        DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, ActualSeries actual, SlotRange series, CancellationToken cancellationToken)
    {
        var forecasts = new SlotForecastRepository(database);
        // The version the planner was told to use, else the baseline the forecaster always stores beside it.
        var issues = await forecasts.ReadRangeAsync(ForecastVersionText.Of(options.Forecasting.ActiveForecastVersion), series, cancellationToken);
        if (issues.Count == 0)
        {
            issues = await forecasts.ReadRangeAsync(SevenDayBaseline.Version, series, cancellationToken);
        }

        return new StoredForecastSource(issues, zone, actual.Measured);
    }

    private static async Task<AuroraWalkForwardForecast> AuroraAsync(
        DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, SlotRange series, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        if (options.Location.Latitude is not { } latitude || options.Location.Longitude is not { } longitude)
        {
            throw new PlanningInputException("--forecasts aurora needs location.latitude and location.longitude in the options for solar geometry.");
        }

        var site = new HomeSite(latitude, longitude, zone);
        var range = new SlotRange(series.FirstIndex - (options.Forecasting.TrainingDays * SlotGrid.SlotsPerUtcDay), series.Count + (options.Forecasting.TrainingDays * SlotGrid.SlotsPerUtcDay));
        var loader = new Forecasting.Inputs.HistoryLoader(new SlotObservationRepository(database), new WeatherRepository(database));
        var history = await loader.LoadAsync(site, range, range.End, Forecasting.Inputs.FutureWeather.Observed, cancellationToken);
        return new AuroraWalkForwardForecast(history, new Forecasting.Training.AuroraTrainingSettings(), logging.CreateLogger("replay"))
        {
            TrainingDays = options.Forecasting.TrainingDays,
        };
    }
}
