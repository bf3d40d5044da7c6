using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Learning.Benchmarks;
using Darkstar.Learning.Datasets;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary><c>darkstar bench ...</c>: forecast skill (<c>forecast</c>), the planner's speed (<c>solve</c>), what it saves (<c>plan</c>) and the ETL's speed (<c>etl</c>).</summary>
public static class BenchCommands
{
    /// <summary>The benchmark's grid: a data set does not say its fuse, so the grid never limits (1 MW).</summary>
    private const double UnlimitedGridKw = 1000;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var bench = new Command("bench", "Benchmarks that print JSON: ETL speed, forecast skill, solver timing, planner cost on a data set.");
        bench.Subcommands.Add(BenchForecastCommand.Create(context, global));
        bench.Subcommands.Add(BenchEtlCommand.Create(context, global));
        bench.Subcommands.Add(CreateSolve(context, global));
        bench.Subcommands.Add(CreatePlan(context, global));
        return bench;
    }

    private static Command CreateSolve(CliContext context, GlobalOptions global)
    {
        var slots = new Option<int>("--slots") { Description = "Slots in the horizon (192 is 48 hours).", DefaultValueFactory = _ => 192 };
        var runs = new Option<int>("--runs") { Description = "Solves to time, each on its own synthetic inputs.", DefaultValueFactory = _ => 50 };
        var command = new Command("solve", "Time the full Kepler model (battery, grid, water heating) on synthetic inputs.") { slots, runs };
        command.SetAction(parse =>
        {
            var slotCount = parse.GetValue(slots);
            var runCount = parse.GetValue(runs);
            if (slotCount < 1 || runCount < 1)
            {
                context.Error.WriteLine("--slots and --runs must be at least 1.");
                return ExitCodes.InvalidInput;
            }

            // One solve before timing: loading CBC and JIT-compiling the model builder are not the solver's time.
            KeplerModel.Solve(SyntheticProblem.Create(slotCount, -1));
            var times = new List<double>(runCount);
            var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var run = 0; run < runCount; run++)
            {
                var schedule = KeplerModel.Solve(SyntheticProblem.Create(slotCount, run));
                times.Add(schedule.SolveMs);
                statuses[schedule.StatusText] = (statuses.TryGetValue(schedule.StatusText, out var seen) ? seen : 0) + 1;
            }

            var median = Percentile(times, 0.5);
            var p95 = Percentile(times, 0.95);
            var outcome = string.Join(", ", statuses.Select(s => $"{s.Value} {s.Key}"));
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{runCount} solves of {slotCount} slots: median {median:0.0} ms, p95 {p95:0.0} ms, max {times.Max():0.0} ms; {outcome}"));
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new { slots = slotCount, runs = runCount, median_ms = Math.Round(median, 1), p95_ms = Math.Round(p95, 1) });
            }

            return statuses.ContainsKey("fallback") ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static Command CreatePlan(CliContext context, GlobalOptions global)
    {
        var home = new Option<DirectoryInfo>("--home") { Description = "A home folder of the shared data sets (e.g. ../shared/data/konstanz-home).", Required = true };
        var from = new Option<string>("--from") { Description = "First local day, yyyy-MM-dd.", Required = true };
        var days = new Option<int>("--days") { Description = "Local days to run.", DefaultValueFactory = _ => 7 };
        var batteryKwh = new Option<double>("--battery-kwh") { Description = "Battery capacity, kWh.", DefaultValueFactory = _ => 10 };
        var batteryKw = new Option<double>("--battery-kw") { Description = "Battery charge and discharge power, kW.", DefaultValueFactory = _ => 5 };
        var efficiency = new Option<double>("--efficiency") { Description = "Round-trip efficiency (0-1].", DefaultValueFactory = _ => 0.95 };
        var cycleCost = new Option<double>("--cycle-cost") { Description = "Battery wear per kWh charged or discharged, in the data set's currency.", DefaultValueFactory = _ => 0 };
        var minSoc = new Option<double>("--min-soc") { Description = "Minimum state of charge, percent (the start SoC of every strategy).", DefaultValueFactory = _ => 10 };
        var replan = new Option<int>("--replan-minutes") { Description = "Minutes between plans (a multiple of 15).", DefaultValueFactory = _ => 60 };
        var forecasts = new Option<string>("--forecasts") { Description = "perfect (the actuals), baseline (the 7-day baseline, baseline_7_day_avg) or aurora.", DefaultValueFactory = _ => "perfect" };
        forecasts.AcceptOnlyFromAmong("perfect", "baseline", "aurora");
        var execution = new Option<string>("--execution")
        {
            Description = "executor: as the executor runs each slot (grid charging and export as planned, otherwise self-consumption guarded by the plan's target SoC); "
                + "power: the battery follows the planned energy; modes: the planned action picks the inverter mode.",
            DefaultValueFactory = _ => "executor",
        };
        execution.AcceptOnlyFromAmong("executor", "power", "modes");
        var command = new Command("plan", "Cost of no battery, the self-consumption rule, the MPC in closed loop and the Oracle on a data set.")
        {
            home, from, days, batteryKwh, batteryKw, efficiency, cycleCost, minSoc, replan, forecasts, execution,
        };
        command.SetAction((parse, cancellationToken) => RunPlanAsync(parse, context, global, new PlanBenchArguments(
            parse.GetValue(home)!, parse.GetValue(from)!, parse.GetValue(days), parse.GetValue(batteryKwh), parse.GetValue(batteryKw),
            parse.GetValue(efficiency), parse.GetValue(cycleCost), parse.GetValue(minSoc), parse.GetValue(replan), parse.GetValue(forecasts)!, parse.GetValue(execution)!), cancellationToken));
        return command;
    }

    private sealed record PlanBenchArguments(
        DirectoryInfo Home, string From, int Days, double BatteryKwh, double BatteryKw, double Efficiency, double CycleCost, double MinSocPercent,
        int ReplanMinutes, string Forecasts, string Execution);

    private static async Task<int> RunPlanAsync(ParseResult parse, CliContext context, GlobalOptions global, PlanBenchArguments arguments, CancellationToken cancellationToken)
    {
        if (!DayText.TryParse(arguments.From, out var firstDay))
        {
            await context.Error.WriteLineAsync($"--from: '{arguments.From}' is not a date of the form yyyy-MM-dd.");
            return ExitCodes.InvalidInput;
        }

        if (arguments.Days < 1 || arguments.BatteryKwh < 0 || arguments.BatteryKw < 0 || arguments.Efficiency is <= 0 or > 1
            || arguments.CycleCost < 0 || arguments.MinSocPercent is < 0 or > 100
            || arguments.ReplanMinutes < SlotGrid.MinutesPerSlot || arguments.ReplanMinutes % SlotGrid.MinutesPerSlot != 0)
        {
            await context.Error.WriteLineAsync("--days ≥ 1, --battery-kwh, --battery-kw and --cycle-cost ≥ 0, --efficiency in (0, 1], --min-soc in [0, 100], --replan-minutes a positive multiple of 15.");
            return ExitCodes.InvalidInput;
        }

        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        HomeDataset dataset;
        try
        {
            dataset = HomeDataset.Load(arguments.Home.FullName);
        }
        catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"bench plan: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        if (arguments.Forecasts == "aurora" && (dataset.Latitude is null || dataset.Longitude is null))
        {
            await context.Error.WriteLineAsync($"bench plan: --forecasts aurora needs latitude and longitude in {Path.Combine(dataset.Folder, "home.yaml")} for solar geometry.");
            return ExitCodes.InvalidInput;
        }

        var options = resolved.Options;
        var tariff = dataset.Tariff ?? Tariff.FromOptions(options.Pricing);
        var zone = dataset.TimeZone;
        var period = new SlotRange(
            SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(firstDay, zone)),
            (int)(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(firstDay.AddDays(arguments.Days), zone)) - SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(firstDay, zone))));
        // The days before that the baseline forecast looks back over (and one for a DST day), two days after so the
        // last plans see a full horizon.
        var before = (SevenDayBaseline.LookbackDays + 1) * SlotGrid.SlotsPerUtcDay;
        var series = new SlotRange(period.FirstIndex - before, period.Count + before + (2 * SlotGrid.SlotsPerUtcDay));

        var folder = Path.Combine(Path.GetTempPath(), "darkstar-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var logging = CliLogging.Create(options.LogLevel);
        try
        {
            var database = new DarkstarDatabase(Path.Combine(folder, "bench.db"), logging.CreateLogger<DarkstarDatabase>());
            await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
            var observations = new SlotObservationRepository(database);
            var prices = new PriceRepository(database);
            var importer = new DatasetImporter(
                observations, new SensorTotalRepository(database), prices, new WeatherRepository(database), new DataQualityRepository(database), context.Clock, logging);
            await context.Error.WriteLineAsync($"Importing {dataset.Name} into a temporary database ...");
            await importer.ImportAsync(dataset, options, tariff, cancellationToken);
            var actual = await ReadActualAsync(observations, prices, series, cancellationToken);
            var missing = Enumerable.Range(actual.PositionOf(period.FirstIndex), period.Count)
                .Count(i => actual.Load[i] is null || actual.ImportPrice[i] is null);
            if (missing > 0)
            {
                await context.Error.WriteLineAsync(
                    $"bench plan: {missing} slots of {period} have no load or no price in {dataset.Name}; choose days inside its data.");
                return ExitCodes.InvalidInput;
            }

            // The battery is the benchmark's own (the data set's home has none): nothing of it comes from the options.
            var battery = new BatterySpec(
                arguments.BatteryKwh, arguments.MinSocPercent, 100, arguments.BatteryKw, arguments.BatteryKw, arguments.Efficiency, arguments.CycleCost);
            var periodStart = actual.PositionOf(period.FirstIndex);
            var meanImport = Enumerable.Range(periodStart, period.Count).Average(i => actual.ImportPrice[i]!.Value);
            using var aurora = arguments.Forecasts == "aurora"
                ? await AuroraSourceAsync(dataset, observations, database, options.Forecasting.TrainingDays, logging, cancellationToken)
                : null;
            var settings = new ClosedLoopSettings
            {
                Battery = battery,
                Grid = new GridSpec(UnlimitedGridKw, UnlimitedGridKw, options.Grid.ExportAllowed),
                TimeZone = zone,
                Period = period,
                ReplanSlots = arguments.ReplanMinutes / SlotGrid.MinutesPerSlot,
                HorizonSlots = options.Planner.HorizonHours * SlotGrid.SlotsPerHour,
                InitialSocPercent = battery.MinSocPercent,
                // A kWh left at the end replaces an import later, after the discharge loss.
                FinalCreditPerKwh = meanImport * battery.DischargeEfficiency,
                Forecast = arguments.Forecasts switch
                {
                    "baseline" => ClosedLoopForecast.Baseline,
                    "aurora" => ClosedLoopForecast.Supplied,
                    _ => ClosedLoopForecast.Perfect,
                },
                ForecastSource = aurora,
                Execution = arguments.Execution switch
                {
                    "modes" => ClosedLoopExecution.ActionModes,
                    "power" => ClosedLoopExecution.PlannedPower,
                    _ => ClosedLoopExecution.Executor,
                },
                SIndex = null,
                // As the service does: battery export only where a plan on the risk appetite's cautious forecast agrees.
                ExportCaution = SIndex.SpreadShare(options.SIndex.RiskAppetite),
                PriceHorizon = PriceAvailability.DayAhead(zone),
            };
            await context.Error.WriteLineAsync($"Running {arguments.Days} days ({period.Count} slots), a plan every {arguments.ReplanMinutes} minutes ...");
            var result = await Task.Run(() => ClosedLoop.Run(actual, settings, progress: null, cancellationToken), cancellationToken);
            var solveMedian = Percentile(result.SolveMs, 0.5);
            var solveP95 = Percentile(result.SolveMs, 0.95);
            WritePlanReport(context.Output, dataset.Name, arguments, result, solveMedian, solveP95, settings);
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new
                {
                    days = arguments.Days,
                    no_battery = Math.Round(result.NoBattery.Cost, 2),
                    self_consumption = Math.Round(result.SelfConsumption.Cost, 2),
                    mpc = Math.Round(result.Mpc.Cost, 2),
                    oracle = Math.Round(result.Oracle.Cost, 2),
                    // No possible saving (the Oracle costs what no battery costs) leaves nothing to capture: null.
                    captured_saving = double.IsNaN(result.CapturedSaving) ? (double?)null : Math.Round(result.CapturedSaving, 4),
                    solve_ms_median = Math.Round(solveMedian, 1),
                    solve_ms_p95 = Math.Round(solveP95, 1),
                });
            }

            return ExitCodes.Success;
        }
        catch (Forecasting.Training.InsufficientTrainingDataException e)
        {
            await context.Error.WriteLineAsync($"bench plan: --forecasts aurora: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is DatasetFormatException or Core.Units.UnitConversionException)
        {
            await context.Error.WriteLineAsync($"bench plan: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is SqliteException or IOException)
        {
            await context.Error.WriteLineAsync($"bench plan: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // The temp cleaner takes it later; the result is already printed.
            }
        }
    }

    /// <summary>Aurora walking forward over the whole data set, as <c>bench forecast</c> trains and forecasts it.</summary>
    private static async Task<AuroraWalkForwardForecast> AuroraSourceAsync(
        HomeDataset dataset, SlotObservationRepository observations, DarkstarDatabase database, int trainingDays,
        ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var site = new HomeSite(dataset.Latitude!.Value, dataset.Longitude!.Value, dataset.TimeZone);
        var range = SlotRange.Between(SlotGrid.Floor(dataset.Meters[0].At), SlotGrid.Ceiling(dataset.Meters[^1].At));
        // Aurora learns every measured slot (never an interpolated one), whatever the day's judgement.
        var loader = new Forecasting.Inputs.HistoryLoader(observations, new WeatherRepository(database));
        // Every measurement is loaded; the walk-forward source reads only what had ended by each plan time.
        var history = await loader.LoadAsync(site, range, range.End, Forecasting.Inputs.FutureWeather.Observed, cancellationToken);
        return new AuroraWalkForwardForecast(history, new Forecasting.Training.AuroraTrainingSettings(), logging.CreateLogger("bench"))
        {
            TrainingDays = trainingDays,
        };
    }

    internal static async Task<ActualSeries> ReadActualAsync(
        SlotObservationRepository observations, PriceRepository prices, SlotRange range, CancellationToken cancellationToken)
    {
        var load = new double?[range.Count];
        var pv = new double?[range.Count];
        var import = new double?[range.Count];
        var export = new double?[range.Count];
        var measured = new MeasuredSlot[range.Count];
        foreach (var o in await observations.ReadRangeAsync(range, cancellationToken))
        {
            var i = range.PositionOf(o.SlotStart);
            load[i] = o.LoadKwh;
            pv[i] = o.PvKwh ?? (o.LoadKwh is null ? null : 0);
            measured[i] = SlotMeasurement.Of(o, waterHeaterPlanned: false);
        }

        foreach (var p in await prices.ReadRangeAsync(range, cancellationToken))
        {
            var i = range.PositionOf(p.SlotStart);
            import[i] = p.ImportPrice;
            export[i] = p.ExportPrice;
        }

        return new ActualSeries(range, load, pv, import, export) { Measurements = measured };
    }

    private static void WritePlanReport(
        TextWriter output, string home, PlanBenchArguments arguments, ClosedLoopResult result, double solveMedian, double solveP95, ClosedLoopSettings settings)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{home}: {arguments.Days} days from {arguments.From}, battery {arguments.BatteryKwh} kWh / {arguments.BatteryKw} kW / {arguments.Efficiency} round trip, " +
            $"a plan every {arguments.ReplanMinutes} min with {arguments.Forecasts} forecasts, executed by {arguments.Execution}; prices known day-ahead from {DayAheadPrices.PublishedLocalHour}:00 local; " +
            $"energy gained in the battery credited at {settings.FinalCreditPerKwh:0.0000}/kWh; battery export confirmed on a forecast " +
            $"{settings.ExportCaution:P0} of the way to p90 load and p10 PV."));
        output.WriteLine($"{"strategy",-18} {"import",10} {"export",10} {"cycle",8} {"credit",8} {"cost",10}");
        foreach (var (name, cost) in new[] { ("no battery", result.NoBattery), ("self-consumption", result.SelfConsumption), ("MPC", result.Mpc), ("Oracle", result.Oracle) })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-18} {cost.ImportCost,10:0.00} {cost.ExportRevenue,10:0.00} {cost.CycleCost,8:0.00} {(cost.EndKwh - cost.StartKwh) * cost.CreditPerKwh,8:0.00} {cost.Cost,10:0.00}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"captured saving {result.CapturedSaving:0.0000}; {result.Plans} plans (solve median {solveMedian:0.0} ms, p95 {solveP95:0.0} ms), {result.FallbackPlans} fallbacks; Oracle {result.OracleStatus}."));
    }

    internal static double Percentile(IReadOnlyList<double> values, double quantile) =>
        values.Count == 0 ? double.NaN : Percentiles.OfSorted([.. values.Order()], quantile);
}
