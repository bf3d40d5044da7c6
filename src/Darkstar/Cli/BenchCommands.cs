using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Options;
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
        var bench = new Command("bench", "Benchmarks that print JSON: ETL speed, forecast skill, solver timing, planner cost on a data set, the whole service soaked for simulated days.");
        bench.Subcommands.Add(BenchForecastCommand.Create(context, global));
        bench.Subcommands.Add(BenchEtlCommand.Create(context, global));
        bench.Subcommands.Add(CreateSolve(context, global));
        bench.Subcommands.Add(CreatePlan(context, global));
        bench.Subcommands.Add(BenchSoakCommand.Create(context, global));
        return bench;
    }

    private static Command CreateSolve(CliContext context, GlobalOptions global)
    {
        var slots = new Option<int>("--slots") { Description = "Slots in the horizon (192 is 48 hours).", DefaultValueFactory = _ => 192 };
        var runs = new Option<int>("--runs") { Description = "Solves to time, each on its own synthetic inputs.", DefaultValueFactory = _ => 50 };
        var car = new Option<bool>("--car") { Description = "Add an electric car to charge by its departure (60 kWh, 30 % to 80 % by 07:00 the next day, 1.4–11 kW)." };
        var flexibleLoads = new Option<int>("--flexible-loads") { Description = "Add this many flexible loads (0 to 4) with windows, run times, starts and spacing.", DefaultValueFactory = _ => 0 };
        var peakFee = new Option<double>("--peak-fee") { Description = "Add a monthly fee per kW of peak import (0: none), with a peak reached earlier in the month as its floor.", DefaultValueFactory = _ => 0 };
        var peakMeasure = PeakMeasureOption();
        var command = new Command("solve", "Time the full Kepler model (battery, grid, water heating) on synthetic inputs.") { slots, runs, car, flexibleLoads, peakFee, peakMeasure };
        command.SetAction(parse =>
        {
            var slotCount = parse.GetValue(slots);
            var runCount = parse.GetValue(runs);
            var withCar = parse.GetValue(car);
            var loadCount = parse.GetValue(flexibleLoads);
            var fee = PeakFeeSpec.FromOptions(PeakFeeOptionsOf(parse.GetValue(peakFee), parse.GetValue(peakMeasure)!, 3));
            PlanningProblem Problem(int seed)
            {
                var problem = SyntheticProblem.WithDeferrableLoads(SyntheticProblem.Create(slotCount, seed), withCar, loadCount);
                // A peak of 2 kW reached the day before the horizon: the floor the plan may use for free.
                return fee is null ? problem : problem with
                {
                    PeakFee = fee,
                    PeakSoFar = new PeakSoFar(new Dictionary<DateOnly, double> { [SlotGrid.LocalDateOf(problem.Slots.Start, problem.TimeZone).AddDays(-1)] = 2 }, 0),
                };
            }

            if (slotCount < 1 || runCount < 1)
            {
                context.Error.WriteLine("--slots and --runs must be at least 1.");
                return ExitCodes.InvalidInput;
            }

            if (loadCount is < 0 or > SyntheticProblem.MaxFlexibleLoads)
            {
                context.Error.WriteLine($"--flexible-loads must be between 0 and {SyntheticProblem.MaxFlexibleLoads}.");
                return ExitCodes.InvalidInput;
            }

            // One solve before timing: loading CBC and JIT-compiling the model builder are not the solver's time.
            KeplerModel.Solve(Problem(-1));
            var times = new List<double>(runCount);
            var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var run = 0; run < runCount; run++)
            {
                var schedule = KeplerModel.Solve(Problem(run));
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
                var report = JsonSerializer.SerializeToNode(new { slots = slotCount, runs = runCount, car = withCar, flexible_loads = loadCount, median_ms = Math.Round(median, 1), p95_ms = Math.Round(p95, 1) }, JsonReport.Options)!.AsObject();
                if (fee is not null)
                {
                    report["peak_fee_per_kw"] = fee.FeePerKw;
                    report["peak_measure"] = OptionsModel.EnumText(fee.Measure);
                }

                JsonReport.Write(context.Output, report);
            }

            return statuses.ContainsKey("fallback") ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static Command CreatePlan(CliContext context, GlobalOptions global)
    {
        var home = new Option<DirectoryInfo>("--home") { Description = "A home folder of the shared data sets (e.g. ../shared/data/konstanz-home).", Required = true };
        var from = new Option<string>("--from") { Description = "First local day, yyyy-MM-dd (not with --all-months)." };
        var days = new Option<int>("--days") { Description = "Local days to run (with --all-months, each window's length: 30 unless given).", DefaultValueFactory = _ => 7 };
        var allMonths = new Option<bool>("--all-months") { Description = "Run a window from the first of every month the data set covers (with the days before and after it needs), and print each, the mean and the worst." };
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
            Description = "executor: the executor's own rule every minute commanding the simulated home's inverter (counts commands and flaps); "
                + "slots: each slot as that rule reads it (grid charging and export as planned, otherwise self-consumption guarded by the plan's target SoC); "
                + "power: the battery follows the planned energy; modes: the planned action picks the inverter mode.",
            DefaultValueFactory = _ => "executor",
        };
        execution.AcceptOnlyFromAmong("executor", "slots", "power", "modes");
        var prices = new Option<FileInfo>("--prices")
        {
            Description = "Another day-ahead series (timestamp,price_eur_per_mwh; e.g. ../shared/data/prices-se3-15min.csv) in place of the home's prices, "
                + "moved onto the home's dates by whole weeks (same local weekday and time of day, same time of year); the home's tariff applies.",
        };
        var peakFee = new Option<double>("--peak-fee")
        {
            Description = "A grid fee per kW of each month's peak import, on every hour (0: none). The MPC plans with it, and runs again without it to compare; both are charged the fee.",
            DefaultValueFactory = _ => 0,
        };
        var peakMeasure = PeakMeasureOption();
        var peakTopHours = new Option<int>("--peak-top-hours") { Description = "With --peak-measure mean_of_top_hours: how many hours, each on a different day.", DefaultValueFactory = _ => 3 };
        var command = new Command("plan", "Cost of no battery, the self-consumption rule, the MPC in closed loop and the Oracle on a data set.")
        {
            home, from, days, allMonths, batteryKwh, batteryKw, efficiency, cycleCost, minSoc, replan, forecasts, execution, prices, peakFee, peakMeasure, peakTopHours,
        };
        var car = new BenchCar();
        foreach (var option in car.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) => car.Parse(parse) is (_, { } carError)
            ? context.Error.WriteLineAsync(carError).ContinueWith(_ => ExitCodes.InvalidInput, TaskScheduler.Default)
            : RunPlanAsync(parse, context, global, new PlanBenchArguments(
            parse.GetValue(home)!, parse.GetValue(from), parse.GetValue(allMonths) && parse.GetResult(days) is not { Implicit: false } ? 30 : parse.GetValue(days), parse.GetValue(allMonths),
            parse.GetValue(batteryKwh), parse.GetValue(batteryKw), parse.GetValue(efficiency), parse.GetValue(cycleCost), parse.GetValue(minSoc), parse.GetValue(replan),
            parse.GetValue(forecasts)!, parse.GetValue(execution)!, parse.GetValue(prices))
        {
            PeakFee = PeakFeeOptionsOf(parse.GetValue(peakFee), parse.GetValue(peakMeasure)!, parse.GetValue(peakTopHours)),
            Car = car.Parse(parse).Settings,
        }, cancellationToken));
        return command;
    }

    private static Option<string> PeakMeasureOption()
    {
        var measure = new Option<string>("--peak-measure")
        {
            Description = "How the fee measures the peak: mean_of_top_hours (the N highest hourly means on different days, as Swedish grid fees), highest_hour or highest_quarter_hour.",
            DefaultValueFactory = _ => "mean_of_top_hours",
        };
        measure.AcceptOnlyFromAmong("mean_of_top_hours", "highest_hour", "highest_quarter_hour");
        return measure;
    }

    /// <summary>A monthly fee on every hour of every day, as the flags give it (a fee of 0: none).</summary>
    private static PeakFeeOptions PeakFeeOptionsOf(double feePerKw, string measure, int topHours) => new()
    {
        FeePerKw = feePerKw,
        Period = PeakFeePeriod.Month,
        Measure = measure switch
        {
            "highest_hour" => PeakMeasure.HighestHour,
            "highest_quarter_hour" => PeakMeasure.HighestQuarterHour,
            _ => PeakMeasure.MeanOfTopHours,
        },
        TopHours = topHours,
        FromTime = TimeOnly.MinValue,
        ToTime = TimeOnly.MinValue,
    };

    private sealed record PlanBenchArguments(
        DirectoryInfo Home, string? From, int Days, bool AllMonths, double BatteryKwh, double BatteryKw, double Efficiency, double CycleCost, double MinSocPercent,
        int ReplanMinutes, string Forecasts, string Execution, FileInfo? Prices)
    {
        public PeakFeeOptions PeakFee { get; init; } = new();

        /// <summary>The car of <c>--car</c>; null without it.</summary>
        public BenchCarSettings? Car { get; init; }
    }

    /// <summary>One window's figures, as its JSON line prints them (the peak fee's only with one).</summary>
    private sealed record PlanWindowReport(
        string From, int Days, double NoBattery, double SelfConsumption, double Mpc, double Oracle, double? CapturedSaving, double? GainCapture,
        double? CommandsPerDay, int? Flaps, double SolveMsMedian, double SolveMsP95)
    {
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public PeakFeeReport? PeakFee { get; init; }

        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public CarReport? Car { get; init; }
    }

    /// <summary>
    /// The MPC's month peak (kW, as the fee measures it), the fee charged on the window (prorated by the share of each month it
    /// covers) and the cost with the fee, planned with the fee and without it.
    /// </summary>
    private sealed record PeakFeeReport(
        double FeePerKw, string Measure, double PeakKw, double Fee, double MpcWithFee, double PeakKwWithout, double FeeWithout, double MpcWithFeeWithout);

    private static async Task<int> RunPlanAsync(ParseResult parse, CliContext context, GlobalOptions global, PlanBenchArguments arguments, CancellationToken cancellationToken)
    {
        DateOnly firstDay = default;
        if (arguments.AllMonths == (arguments.From is not null))
        {
            await context.Error.WriteLineAsync("bench plan: give either --from (one window) or --all-months (a window from the first of every month).");
            return ExitCodes.InvalidInput;
        }

        if (arguments.From is not null && !DayText.TryParse(arguments.From, out firstDay))
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
            if (arguments.Prices is { } otherPrices)
            {
                dataset = dataset.WithPricesFrom(otherPrices.FullName);
            }
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
        // The days before that the baseline forecast looks back over (and one for a DST day), two days after so the
        // last plans see a full horizon.
        var before = (SevenDayBaseline.LookbackDays + 1) * SlotGrid.SlotsPerUtcDay;
        var after = 2 * SlotGrid.SlotsPerUtcDay;
        var windows = arguments.AllMonths ? MonthWindows(dataset, arguments.Days, before, after) : [firstDay];
        if (windows.Count == 0)
        {
            await context.Error.WriteLineAsync($"bench plan: {dataset.Name} holds no {arguments.Days}-day window from the first of a month with {before / SlotGrid.SlotsPerUtcDay} days before and 2 after.");
            return ExitCodes.InvalidInput;
        }

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
            using var aurora = arguments.Forecasts == "aurora"
                ? await AuroraSourceAsync(dataset, observations, database, options.Forecasting.TrainingDays, logging, cancellationToken)
                : null;
            var reports = new List<PlanWindowReport>();
            foreach (var windowStart in windows)
            {
                var period = new SlotRange(
                    SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(windowStart, zone)),
                    (int)(SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(windowStart.AddDays(arguments.Days), zone)) - SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(windowStart, zone))));
                var series = new SlotRange(period.FirstIndex - before, period.Count + before + after);
                var actual = await ReadActualAsync(observations, prices, series, cancellationToken);
                var missing = Enumerable.Range(actual.PositionOf(period.FirstIndex), period.Count)
                    .Count(i => actual.Load[i] is null || actual.ImportPrice[i] is null);
                if (missing > 0)
                {
                    await context.Error.WriteLineAsync(
                        $"bench plan: {missing} slots of {period} have no load or no price in {dataset.Name}; choose days inside its data.");
                    if (!arguments.AllMonths)
                    {
                        return ExitCodes.InvalidInput;
                    }

                    continue;
                }

                var report = await RunWindowAsync(context, options, dataset, arguments, windowStart, period, actual, aurora, cancellationToken);
                reports.Add(report);
                if (arguments.AllMonths && parse.GetValue(global.Json))
                {
                    JsonReport.Write(context.Output, report);
                }
            }

            if (arguments.AllMonths)
            {
                WriteWindowsSummary(context.Output, reports, parse.GetValue(global.Json));
            }
            else if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, reports[0]);
            }

            return reports.Count > 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
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

    /// <summary>The first of every month whose window of <paramref name="days"/> fits the data set with the slots it needs before and after.</summary>
    private static List<DateOnly> MonthWindows(HomeDataset dataset, int days, int slotsBefore, int slotsAfter)
    {
        var zone = dataset.TimeZone;
        var firstIndex = SlotGrid.IndexOf(SlotGrid.Ceiling(dataset.Meters[0].At));
        var endIndex = SlotGrid.IndexOf(SlotGrid.Floor(dataset.Meters[^1].At));
        var firstLocal = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(dataset.Meters[0].At, zone).DateTime);
        var windows = new List<DateOnly>();
        for (var month = new DateOnly(firstLocal.Year, firstLocal.Month, 1); ; month = month.AddMonths(1))
        {
            var start = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(month, zone));
            var end = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(month.AddDays(days), zone));
            if (end + slotsAfter > endIndex)
            {
                return windows;
            }

            if (start - slotsBefore >= firstIndex)
            {
                windows.Add(month);
            }
        }
    }

    private static async Task<PlanWindowReport> RunWindowAsync(
        CliContext context, DarkstarOptions options, HomeDataset dataset, PlanBenchArguments arguments, DateOnly windowStart, SlotRange period,
        ActualSeries actual, AuroraWalkForwardForecast? aurora, CancellationToken cancellationToken)
    {
        var zone = dataset.TimeZone;
        // The battery is the benchmark's own (the data set's home has none): nothing of it comes from the options.
        var battery = new BatterySpec(
            arguments.BatteryKwh, arguments.MinSocPercent, 100, arguments.BatteryKw, arguments.BatteryKw, arguments.Efficiency, arguments.CycleCost);
        var peakFee = PeakFeeSpec.FromOptions(arguments.PeakFee);
        var executor = arguments.Execution == "executor" ? ClosedLoopReplay.Executor(options, battery, arguments.PeakFee) : null;
        var settings = ClosedLoopReplay.Settings(
            options, battery, new GridSpec(UnlimitedGridKw, UnlimitedGridKw, options.Grid.ExportAllowed), zone, period, actual,
            arguments.ReplanMinutes / SlotGrid.MinutesPerSlot,
            arguments.Forecasts switch
            {
                "baseline" => ClosedLoopForecast.Baseline,
                "aurora" => ClosedLoopForecast.Supplied,
                _ => ClosedLoopForecast.Perfect,
            },
            aurora,
            arguments.Execution switch
            {
                "modes" => ClosedLoopExecution.ActionModes,
                "power" => ClosedLoopExecution.PlannedPower,
                _ => ClosedLoopExecution.Executor,
            },
            executor);
        var from = DayText.Format(windowStart);
        await context.Error.WriteLineAsync($"Running {arguments.Days} days from {from} ({period.Count} slots), a plan every {arguments.ReplanMinutes} minutes ...");
        var car = arguments.Car is { } carSettings ? BenchCar.Car(carSettings, period, zone) : null;
        settings = settings with { PeakFee = peakFee, Car = car };
        var result = await Task.Run(() => ClosedLoop.Run(actual, settings, progress: null, cancellationToken), cancellationToken);
        CarReport? carReport = null;
        if (car is not null)
        {
            // The same loop with the car charged at full power on arrival, the MPC planning the battery around it.
            var onArrival = car with { Charging = ClosedLoopCarCharging.OnArrival };
            var rule = await Task.Run(
                () => ClosedLoop.RunMpcOnly(actual, settings with { Car = onArrival, Executor = executor is null ? null : ClosedLoopReplay.Executor(options, battery, arguments.PeakFee) }, cancellationToken),
                cancellationToken);
            // And without the car at all: what the car costs each strategy is its cost with the car less this.
            var withoutCar = await Task.Run(
                () => ClosedLoop.Run(actual, settings with { Car = null, Executor = executor is null ? null : ClosedLoopReplay.Executor(options, battery, arguments.PeakFee) }, progress: null, cancellationToken),
                cancellationToken);
            carReport = CarReport.Of(result, onArrival.Outcome(rule.Slots.Select(s => (s.Start, s.CarKwh))), rule.Cost.Cost, withoutCar);
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"car: target reached at {carReport.Reached} of {carReport.Reachable} reachable departures ({carReport.Departures} in all), {carReport.ChargedKwh:0.0} kWh charged for {carReport.ChargingCost:0.00} " +
                $"(Oracle {carReport.OracleChargingCost:0.00}); charged at full power on arrival: reached {carReport.OnArrivalReached}, charging {carReport.OnArrivalChargingCost:0.00}, MPC cost {carReport.MpcOnArrival:0.00} against {result.Mpc.Cost:0.00}."));
        }

        PeakFeeReport? peak = null;
        if (peakFee is { } fee)
        {
            // The same loop planned without the fee, charged it all the same: what the feature changes.
            var without = await Task.Run(
                () => ClosedLoop.RunMpcOnly(actual, settings with { PeakFee = null, Executor = executor is null ? null : ClosedLoopReplay.Executor(options, battery) }, cancellationToken),
                cancellationToken);
            var (peakKw, feeCost) = ChargedPeakFee(fee, result.MpcSlots, period, zone);
            var (peakWithout, feeWithout) = ChargedPeakFee(fee, without.Slots, period, zone);
            peak = new PeakFeeReport(
                fee.FeePerKw, OptionsModel.EnumText(fee.Measure), Math.Round(peakKw, 3), Math.Round(feeCost, 2), Math.Round(result.Mpc.Cost + feeCost, 2),
                Math.Round(peakWithout, 3), Math.Round(feeWithout, 2), Math.Round(without.Cost.Cost + feeWithout, 2));
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"peak fee {fee.FeePerKw}/kW/month ({peak.Measure}): planned with it, peak {peak.PeakKw:0.000} kW, fee {peak.Fee:0.00}, MPC with fee {peak.MpcWithFee:0.00}; " +
                $"planned without it, peak {peak.PeakKwWithout:0.000} kW, fee {peak.FeeWithout:0.00}, MPC with fee {peak.MpcWithFeeWithout:0.00}."));
        }

        var solveMedian = Percentile(result.SolveMs, 0.5);
        var solveP95 = Percentile(result.SolveMs, 0.95);
        WritePlanReport(context.Output, dataset.Name, from, arguments, result, executor?.Commands, solveMedian, solveP95, settings);
        return new PlanWindowReport(
            from,
            arguments.Days,
            Math.Round(result.NoBattery.Cost, 2),
            Math.Round(result.SelfConsumption.Cost, 2),
            Math.Round(result.Mpc.Cost, 2),
            Math.Round(result.Oracle.Cost, 2),
            // No possible saving (the Oracle costs what no battery costs) leaves nothing to capture: null.
            RoundOrNull(result.CapturedSaving),
            RoundOrNull(result.GainCapture),
            executor is null ? null : Math.Round((double)executor.Commands.Count / arguments.Days, 1),
            executor?.Commands.Flaps,
            Math.Round(solveMedian, 1),
            Math.Round(solveP95, 1))
        {
            PeakFee = peak,
            Car = carReport,
        };
    }

    /// <summary>
    /// The peak of the month the window starts in, as the fee measures it on the executed slots, and the fee charged on the
    /// window: each month's peak at the fee, prorated by the share of the month's days the window covers.
    /// </summary>
    private static (double PeakKw, double Fee) ChargedPeakFee(PeakFeeSpec fee, IReadOnlyList<ClosedLoopSlot> slots, SlotRange period, TimeZoneInfo zone)
    {
        var peaks = PeakMeter.PeriodPeaks(fee, slots.Select(s => (SlotGrid.IndexOf(s.Start), s.ImportKwh)), zone);
        var windowDays = slots.Select(s => SlotGrid.LocalDateOf(s.Start, zone)).Distinct().ToList();
        var charged = peaks.Sum(p =>
        {
            var periodDays = fee.Period == PeakFeePeriod.Month ? DateTime.DaysInMonth(p.Key.Year, p.Key.Month) : 1;
            return fee.FeePerKw * p.Value * windowDays.Count(d => fee.PeriodOf(d) == p.Key) / periodDays;
        });
        var first = fee.PeriodOf(SlotGrid.LocalDateOf(period.Start, zone));
        return (peaks.GetValueOrDefault(first), charged);
    }

    private static double? RoundOrNull(double value) => double.IsNaN(value) ? null : Math.Round(value, 4);

    private static void WriteWindowsSummary(TextWriter output, List<PlanWindowReport> reports, bool json)
    {
        var captures = reports.Where(r => r.GainCapture is not null).ToList();
        var mean = captures.Count == 0 ? (double?)null : Math.Round(captures.Average(r => r.GainCapture!.Value), 4);
        var worst = captures.MinBy(r => r.GainCapture!.Value);
        var dearer = reports.Count(r => r.Mpc > r.SelfConsumption);
        var commands = reports.Where(r => r.CommandsPerDay is not null).ToList();
        var commandText = commands.Count == 0
            ? "."
            : string.Create(CultureInfo.InvariantCulture, $"; commands per day mean {commands.Average(r => r.CommandsPerDay!.Value):0.0}, flaps {commands.Sum(r => r.Flaps!.Value)}.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{reports.Count} windows: gain capture mean {mean:0.000}, worst {worst?.GainCapture:0.000} ({worst?.From}); MPC dearer than self-consumption in {dearer}{commandText}"));
        var peaks = reports.Where(r => r.PeakFee is not null).Select(r => r.PeakFee!).ToList();
        if (peaks.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak fee: peak lower with it in {peaks.Count(p => p.PeakKw < p.PeakKwWithout)} of {peaks.Count} windows, cost with the fee lower in {peaks.Count(p => p.MpcWithFee < p.MpcWithFeeWithout)}."));
        }

        if (json)
        {
            var summary = JsonSerializer.SerializeToNode(new
            {
                windows = reports.Count,
                gain_capture_mean = mean,
                gain_capture_worst = worst?.GainCapture,
                worst_window = worst?.From,
                mpc_dearer_than_self_consumption = dearer,
                commands_per_day_mean = commands.Count == 0 ? (double?)null : Math.Round(commands.Average(r => r.CommandsPerDay!.Value), 1),
                flaps = commands.Count == 0 ? (int?)null : commands.Sum(r => r.Flaps!.Value),
                results = reports,
            }, JsonReport.Options)!.AsObject();
            if (peaks.Count > 0)
            {
                summary["peak_fee"] = JsonSerializer.SerializeToNode(new
                {
                    windows = peaks.Count,
                    peak_lower = peaks.Count(p => p.PeakKw < p.PeakKwWithout),
                    cost_with_fee_lower = peaks.Count(p => p.MpcWithFee < p.MpcWithFeeWithout),
                    fee_mean = Math.Round(peaks.Average(p => p.Fee), 2),
                    fee_mean_without = Math.Round(peaks.Average(p => p.FeeWithout), 2),
                }, JsonReport.Options);
            }

            var cars = reports.Where(r => r.Car is not null).Select(r => r.Car!).ToList();
            if (cars.Count > 0)
            {
                summary["car"] = JsonSerializer.SerializeToNode(new
                {
                    departures = cars.Sum(c => c.Departures),
                    reachable = cars.Sum(c => c.Reachable),
                    reached = cars.Sum(c => c.Reached),
                    charged_kwh = Math.Round(cars.Sum(c => c.ChargedKwh), 1),
                    charging_cost = Math.Round(cars.Sum(c => c.ChargingCost), 2),
                    oracle_charging_cost = Math.Round(cars.Sum(c => c.OracleChargingCost), 2),
                    on_arrival_reached = cars.Sum(c => c.OnArrivalReached),
                    on_arrival_charging_cost = Math.Round(cars.Sum(c => c.OnArrivalChargingCost), 2),
                    mpc = Math.Round(reports.Where(r => r.Car is not null).Sum(r => r.Mpc), 2),
                    mpc_on_arrival = Math.Round(cars.Sum(c => c.MpcOnArrival), 2),
                }, JsonReport.Options);
            }

            JsonReport.Write(output, summary);
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

    internal static Task<ActualSeries> ReadActualAsync(
        SlotObservationRepository observations, PriceRepository prices, SlotRange range, CancellationToken cancellationToken) =>
        ActualSeriesReader.ReadAsync(observations, prices, range, cancellationToken);

    private static void WritePlanReport(
        TextWriter output, string home, string from, PlanBenchArguments arguments, ClosedLoopResult result, CommandTally? commands, double solveMedian, double solveP95,
        ClosedLoopSettings settings)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{home}: {arguments.Days} days from {from}, battery {arguments.BatteryKwh} kWh / {arguments.BatteryKw} kW / {arguments.Efficiency} round trip, " +
            $"a plan every {arguments.ReplanMinutes} min with {arguments.Forecasts} forecasts, executed by {arguments.Execution}; prices known day-ahead from {DayAheadPrices.PublishedLocalHour}:00 local; " +
            $"energy gained in the battery credited at {settings.FinalCreditPerKwh:0.0000}/kWh; battery export confirmed on a forecast " +
            $"{settings.ExportCaution:P0} of the way to p90 load and p10 PV."));
        output.WriteLine($"{"strategy",-18} {"import",10} {"export",10} {"cycle",8} {"credit",8} {"cost",10}");
        foreach (var (name, cost) in new[] { ("no battery", result.NoBattery), ("self-consumption", result.SelfConsumption), ("MPC", result.Mpc), ("Oracle", result.Oracle) })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-18} {cost.ImportCost,10:0.00} {cost.ExportRevenue,10:0.00} {cost.CycleCost,8:0.00} {(cost.EndKwh - cost.StartKwh) * cost.CreditPerKwh,8:0.00} {cost.Cost,10:0.00}"));
        }

        var commandText = commands is null
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"{commands.Count} commands ({(double)commands.Count / arguments.Days:0.0} a day), {commands.Flaps} flaps; ");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"captured saving {result.CapturedSaving:0.0000}, gain capture {result.GainCapture:0.0000}; {commandText}{result.Plans} plans (solve median {solveMedian:0.0} ms, p95 {solveP95:0.0} ms), {result.FallbackPlans} fallbacks; Oracle {result.OracleStatus}."));
    }

    internal static double Percentile(IReadOnlyList<double> values, double quantile) =>
        values.Count == 0 ? double.NaN : Percentiles.OfSorted([.. values.Order()], quantile);
}
