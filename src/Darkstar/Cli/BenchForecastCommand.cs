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
/// recorded home, walking forward day by day with weekly retraining, in a temporary database.
/// </summary>
public static class BenchForecastCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var home = new Option<DirectoryInfo>("--home") { Description = "A home folder (e.g. ../shared/data/konstanz-home).", Required = true };
        var testFrom = new Option<string>("--test-from") { Description = "The first local day forecast, yyyy-MM-dd.", Required = true };
        var days = new Option<int>("--days") { Description = "Test days.", DefaultValueFactory = _ => 30 };
        var trainingDays = new Option<int?>("--training-days") { Description = "Days of history each training uses (default: forecasting.training_days)." };
        var intradayHours = new Option<int?>("--intraday-hours")
        {
            Description = "Forecast at every hour of each test day for this many hours ahead, as the service does, instead of once at midnight for the day.",
        };
        var forecast = new Command("forecast", "Day-ahead (or intraday) forecast skill of Aurora and the baseline on a recorded home.")
        {
            home, testFrom, days, trainingDays, intradayHours,
        };
        forecast.SetAction((parse, cancellationToken) => RunAsync(
            parse, context, global, parse.GetValue(home)!, parse.GetValue(testFrom)!, parse.GetValue(days), parse.GetValue(trainingDays), parse.GetValue(intradayHours), cancellationToken));
        return forecast;
    }

    private static async Task<int> RunAsync(
        ParseResult parse, CliContext context, GlobalOptions global, DirectoryInfo home, string testFrom, int days, int? trainingDays, int? intradayHours, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        if (!DayText.TryParse(testFrom, out var firstDay) || days < 1 || trainingDays is < 7 || intradayHours is < 1 or > 48)
        {
            await context.Error.WriteLineAsync(
                "bench forecast: --test-from must be a day (yyyy-MM-dd), --days at least 1, --training-days at least 7, --intraday-hours from 1 to 48.");
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
            var benchmark = new ForecastBenchmark(new AuroraTrainingSettings(), logger) { IntradayHours = intradayHours };
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

    private static string Line(string quantity, BenchmarkScore score) => string.Create(CultureInfo.InvariantCulture,
        $"  {quantity,-4}  Aurora MAE {score.AuroraMae:0.000}  baseline MAE {score.BaselineMae:0.000}  ratio {score.Ratio:0.000}  p10-p90 coverage {score.CoverageP10P90:0.000}  ({score.Periods} hours)");

    private static Dictionary<string, double> Json(BenchmarkScore score) => new Dictionary<string, double>
    {
        ["aurora_mae"] = Math.Round(score.AuroraMae, 4),
        ["baseline_mae"] = Math.Round(score.BaselineMae, 4),
        ["ratio"] = Math.Round(score.Ratio, 4),
        ["coverage_p10_p90"] = Math.Round(score.CoverageP10P90, 4),
    };
}
