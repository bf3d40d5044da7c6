using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Training;
using Darkstar.Learning.Datasets;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar bench forecast --home DIR --test-from D --days N</c>: day-ahead skill of Aurora against the baseline on a
/// recorded home, walking forward day by day with weekly retraining, in a temporary database. With <c>--rolling</c>, every
/// 30-day window of the home that has enough history before it, each judged apart, and their mean, median and worst.
/// </summary>
public static class BenchForecastCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var home = new Option<DirectoryInfo>("--home") { Description = "A home folder (e.g. ../shared/data/konstanz-home).", Required = true };
        var testFrom = new Option<string>("--test-from") { Description = "The first local day forecast, yyyy-MM-dd (not with --rolling)." };
        var days = new Option<int>("--days") { Description = "Test days.", DefaultValueFactory = _ => 30 };
        var trainingDays = new Option<int?>("--training-days") { Description = "Days of history each training uses (default: forecasting.training_days)." };
        var intradayHours = new Option<int?>("--intraday-hours")
        {
            Description = "Forecast at every hour of each test day for this many hours ahead, as the service does, instead of once at midnight for the day.",
        };
        var rolling = new Option<bool>("--rolling")
        {
            Description = "Judge every --window-days window of the home that has --history-days before it, instead of one test period.",
        };
        var windowDays = new Option<int>("--window-days") { Description = "With --rolling: days per window.", DefaultValueFactory = _ => 30 };
        var strideDays = new Option<int>("--stride-days")
        {
            Description = "With --rolling: days between the first days of windows (less than --window-days overlaps them at no extra training).",
            DefaultValueFactory = _ => 30,
        };
        var historyDays = new Option<int>("--history-days")
        {
            Description = "With --rolling: days of the data set a window needs before it.", DefaultValueFactory = _ => 60,
        };
        var noLiveCorrection = new Option<bool>("--no-live-correction")
        {
            Description = "Aurora's trees alone: no correction by the last hours measured, bands as trained (the figures before the correction).",
        };
        var forecast = new Command("forecast", "Day-ahead (or intraday) forecast skill of Aurora and the baseline on a recorded home.")
        {
            home, testFrom, days, trainingDays, intradayHours, rolling, windowDays, strideDays, historyDays, noLiveCorrection,
        };
        forecast.SetAction((parse, cancellationToken) => RunAsync(
            parse,
            context,
            global,
            new BenchForecastRequest(
                parse.GetValue(home)!,
                parse.GetValue(testFrom),
                parse.GetValue(days),
                parse.GetValue(trainingDays),
                parse.GetValue(intradayHours),
                parse.GetValue(rolling) ? new RollingSet(parse.GetValue(windowDays), parse.GetValue(strideDays), parse.GetValue(historyDays)) : null,
                !parse.GetValue(noLiveCorrection)),
            cancellationToken));
        return forecast;
    }

    /// <summary>The rolling set's shape (<see cref="ForecastBenchmark.RunRolling"/>).</summary>
    private sealed record RollingSet(int WindowDays, int StrideDays, int HistoryDays);

    private sealed record BenchForecastRequest(
        DirectoryInfo Home, string? TestFrom, int Days, int? TrainingDays, int? IntradayHours, RollingSet? Rolling, bool LiveCorrection);

    private static async Task<int> RunAsync(ParseResult parse, CliContext context, GlobalOptions global, BenchForecastRequest request, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        var (home, testFrom, days, trainingDays, intradayHours, rolling, liveCorrection) = request;
        var firstDay = default(DateOnly);
        if ((rolling is null && !DayText.TryParse(testFrom, out firstDay)) || days < 1 || trainingDays is < 7 || intradayHours is < 1 or > 48
            || rolling is { WindowDays: < 1 } or { StrideDays: < 1 } or { HistoryDays: < 14 })
        {
            await context.Error.WriteLineAsync(
                "bench forecast: --test-from must be a day (yyyy-MM-dd) unless --rolling, --days at least 1, --training-days at least 7, --intraday-hours from 1 to 48; " +
                "with --rolling, --window-days and --stride-days at least 1 and --history-days at least 14.");
            return ExitCodes.InvalidInput;
        }

        HomeDataset dataset;
        try
        {
            dataset = HomeDataset.Load(home.FullName);
        }
        catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"bench forecast: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        if (dataset.Latitude is not { } latitude || dataset.Longitude is not { } longitude)
        {
            await context.Error.WriteLineAsync($"bench forecast: {Path.Combine(dataset.Folder, "home.yaml")} needs latitude and longitude for solar geometry.");
            return ExitCodes.InvalidInput;
        }

        using var logging = CliLogging.Create(resolved.Options.LogLevel);
        var logger = logging.CreateLogger("bench");
        var folder = Path.Combine(Path.GetTempPath(), "darkstar-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var database = new DarkstarDatabase(Path.Combine(folder, "bench.db"), logging.CreateLogger<DarkstarDatabase>());
            await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
            var observations = new SlotObservationRepository(database);
            var quality = new DataQualityRepository(database);
            var weather = new WeatherRepository(database);
            await context.Error.WriteLineAsync($"Importing {dataset.Name} into a temporary database ...");
            var importer = new DatasetImporter(observations, new SensorTotalRepository(database), new PriceRepository(database), weather, quality, context.Clock, logging);
            await importer.ImportAsync(dataset, resolved.Options, dataset.Tariff ?? Tariff.FromOptions(resolved.Options.Pricing), cancellationToken);

            var site = new HomeSite(latitude, longitude, dataset.TimeZone);
            var range = SlotRange.Between(SlotGrid.Floor(dataset.Meters[0].At), SlotGrid.Ceiling(dataset.Meters[^1].At));
            var history = await new HistoryLoader(observations, weather).LoadAsync(site, range, range.End, FutureWeather.Observed, cancellationToken);
            var benchmark = new ForecastBenchmark(new AuroraTrainingSettings(), logger) { IntradayHours = intradayHours, LiveCorrection = liveCorrection };
            if (rolling is not null)
            {
                var rolled = benchmark.RunRolling(
                    history,
                    rolling.WindowDays,
                    rolling.StrideDays,
                    rolling.HistoryDays,
                    trainingDays ?? resolved.Options.Forecasting.TrainingDays,
                    (done, total) => context.Error.WriteLine($"bench forecast: day {done}/{total}"),
                    cancellationToken);
                await WriteRollingAsync(context.Output, dataset.Name, rolling, intradayHours, liveCorrection, rolled);
                return ExitCodes.Success;
            }

            var report = benchmark.Run(
                history,
                firstDay,
                days,
                trainingDays ?? resolved.Options.Forecasting.TrainingDays,
                (done, total) => context.Error.WriteLine($"bench forecast: day {done}/{total}"),
                cancellationToken);

            var output = context.Output;
            var issues = intradayHours is { } ahead
                ? string.Create(CultureInfo.InvariantCulture, $"forecast at every hour for the next {ahead} h")
                : "forecast at each local midnight";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{dataset.Name}, {days} days from {DayText.Format(firstDay)}, {issues}, scored per hour on measured hours only (kWh per hour):"));
            await output.WriteLineAsync(Line("load", report.Load));
            await output.WriteLineAsync(Line("pv", report.Pv));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{report.Trainings} trainings, {report.TrainSeconds:0.0} s each on average; a forecast took {report.ForecastMsMedian:0.0} ms (median)."));
            await output.WriteLineAsync(
                "Training and scoring use measured slots only: slots spread across gaps (and rejected spikes) are never learned or scored; the other slots of a day judged 'exclude' are.");
            await output.WriteLineAsync(
                "Weather inputs are the data set's observed daily means used as the forecast: a perfect daily weather forecast, so Aurora's figures are an upper bound on its skill with real weather forecasts.");
            // The issue's exact line by default; an intraday run says so in it.
            var json = new Dictionary<string, object> { ["days"] = days };
            if (intradayHours is { } hoursAhead)
            {
                json["intraday_hours"] = hoursAhead;
            }

            json["load"] = Json(report.Load);
            json["pv"] = Json(report.Pv);
            if (intradayHours is not null)
            {
                json["by_lead"] = report.ByLead.ToDictionary(b => b.Key, b => new { load = Json(b.Value.Load), pv = Json(b.Value.Pv) });
            }

            json["train_seconds"] = Math.Round(report.TrainSeconds, 2);
            JsonReport.Write(output, json);
            return ExitCodes.Success;
        }
        catch (InsufficientTrainingDataException e)
        {
            await context.Error.WriteLineAsync($"bench forecast: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WriteRollingAsync(TextWriter output, string name, RollingSet rolling, int? intradayHours, bool liveCorrection, RollingReport report)
    {
        var issues = intradayHours is { } ahead
            ? string.Create(CultureInfo.InvariantCulture, $"forecast at every hour for the next {ahead} h")
            : "forecast at each local midnight";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name}, rolling: {report.Windows.Count} windows of {rolling.WindowDays} days, one every {rolling.StrideDays} days, each with at least {rolling.HistoryDays} days before it; {issues}; ratio = Aurora's MAE / baseline_7_day_avg's, per hour:"));
        foreach (var window in report.Windows)
        {
            var (load, pv) = (window.Report.Load, window.Report.Pv);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {DayText.Format(window.FirstDay)}  load ratio {load.Ratio:0.000} coverage {load.CoverageP10P90:0.000} pinball {load.Pinball:0.0000}   pv ratio {pv.Ratio:0.000} coverage {pv.CoverageP10P90:0.000} pinball {pv.Pinball:0.0000}"));
        }

        var summary = new Dictionary<string, object>
        {
            ["load"] = Summary(report.Windows.Select(w => w.Report.Load).ToList()),
            ["pv"] = Summary(report.Windows.Select(w => w.Report.Pv).ToList()),
        };
        foreach (var quantity in new[] { "load", "pv" })
        {
            var s = (Dictionary<string, double>)summary[quantity];
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {quantity,-4}  ratio mean {s["ratio_mean"]:0.000} median {s["ratio_median"]:0.000} worst {s["ratio_worst"]:0.000}   coverage {s["coverage_min"]:0.000} to {s["coverage_max"]:0.000}   pinball mean {s["pinball_mean"]:0.0000}"));
        }

        var json = new Dictionary<string, object>
        {
            ["rolling"] = true,
            ["windows"] = report.Windows.Count,
            ["window_days"] = rolling.WindowDays,
            ["worst_load_window"] = DayText.Format(report.Windows.MaxBy(w => w.Report.Load.Ratio)!.FirstDay),
        };
        if (intradayHours is { } hours)
        {
            json["intraday_hours"] = hours;
        }

        json["live_correction"] = liveCorrection;
        json["load"] = summary["load"];
        json["pv"] = summary["pv"];
        if (intradayHours is not null)
        {
            var dayAheadLoad = Summary([.. report.Windows.Select(w => w.Report.DayAhead!.Value.Load)]);
            var dayAheadPv = Summary([.. report.Windows.Select(w => w.Report.DayAhead!.Value.Pv)]);
            json["day_ahead"] = new { load = dayAheadLoad, pv = dayAheadPv };
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  day-ahead (the same models at each midnight): load ratio mean {dayAheadLoad["ratio_mean"]:0.000} worst {dayAheadLoad["ratio_worst"]:0.000}   pv ratio mean {dayAheadPv["ratio_mean"]:0.000} worst {dayAheadPv["ratio_worst"]:0.000}"));

            var byLead = new Dictionary<string, object>();
            foreach (var bucket in ForecastBenchmark.LeadBuckets)
            {
                var scored = report.Windows.Where(w => w.Report.ByLead.ContainsKey(bucket.Name)).Select(w => w.Report.ByLead[bucket.Name]).ToList();
                if (scored.Count == 0)
                {
                    continue;
                }

                var load = Summary([.. scored.Select(s => s.Load)]);
                var pv = Summary([.. scored.Select(s => s.Pv)]);
                byLead[bucket.Name] = new { load, pv };
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {bucket.Name,-5} load ratio mean {load["ratio_mean"]:0.000} worst {load["ratio_worst"]:0.000} coverage {load["coverage_min"]:0.000} to {load["coverage_max"]:0.000}   pv ratio mean {pv["ratio_mean"]:0.000} worst {pv["ratio_worst"]:0.000} coverage {pv["coverage_min"]:0.000} to {pv["coverage_max"]:0.000}"));
            }

            json["by_lead"] = byLead;
        }

        json["train_seconds"] = Math.Round(report.TrainSeconds, 2);
        json["trainings"] = report.Trainings;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{report.Trainings} trainings, {report.TrainSeconds:0.0} s each on average; a forecast took {report.ForecastMsMedian:0.0} ms (median)."));
        await output.WriteLineAsync(
            "Weather inputs are the data set's observed daily means used as the forecast: a perfect daily weather forecast, so Aurora's figures are an upper bound on its skill with real weather forecasts.");
        JsonReport.Write(output, json);
    }

    /// <summary>The mean, median and worst ratio, the lowest and highest coverage, and the mean pinball loss of the windows.</summary>
    private static Dictionary<string, double> Summary(IReadOnlyList<BenchmarkScore> windows)
    {
        var ratios = windows.Select(w => w.Ratio).Where(r => !double.IsNaN(r)).Order().ToArray();
        var coverage = windows.Select(w => w.CoverageP10P90).Where(c => !double.IsNaN(c)).ToArray();
        var median = ratios.Length == 0 ? double.NaN
            : ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[(ratios.Length / 2) - 1] + ratios[ratios.Length / 2]) / 2;
        return new Dictionary<string, double>
        {
            ["ratio_mean"] = Math.Round(ratios.DefaultIfEmpty(double.NaN).Average(), 4),
            ["ratio_median"] = Math.Round(median, 4),
            ["ratio_worst"] = Math.Round(ratios.DefaultIfEmpty(double.NaN).Max(), 4),
            ["coverage_min"] = Math.Round(coverage.DefaultIfEmpty(double.NaN).Min(), 4),
            ["coverage_max"] = Math.Round(coverage.DefaultIfEmpty(double.NaN).Max(), 4),
            ["pinball_mean"] = Math.Round(windows.Select(w => w.Pinball).Where(p => !double.IsNaN(p)).DefaultIfEmpty(double.NaN).Average(), 5),
        };
    }

    private static string Line(string quantity, BenchmarkScore score) => string.Create(CultureInfo.InvariantCulture,
        $"  {quantity,-4}  Aurora MAE {score.AuroraMae:0.000}  baseline MAE {score.BaselineMae:0.000}  ratio {score.Ratio:0.000}  p10-p90 coverage {score.CoverageP10P90:0.000}  ({score.Periods} hours)");

    private static Dictionary<string, double> Json(BenchmarkScore score) => new Dictionary<string, double>
    {
        ["aurora_mae"] = Math.Round(score.AuroraMae, 4),
        ["baseline_mae"] = Math.Round(score.BaselineMae, 4),
        ["ratio"] = Math.Round(score.Ratio, 4),
        ["coverage_p10_p90"] = Math.Round(score.CoverageP10P90, 4),
        ["pinball"] = Math.Round(score.Pinball, 5),
    };
}
