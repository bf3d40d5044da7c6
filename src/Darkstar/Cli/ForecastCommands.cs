using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary><c>darkstar train</c> and <c>darkstar evaluate --days N</c>.</summary>
public static class ForecastCommands
{
    public static Command CreateTrain(CliContext context, GlobalOptions global)
    {
        var days = new Option<int?>("--days") { Description = "Days of history to train on (default: forecasting.training_days, 90)." };
        var command = new Command("train", "Train Aurora on the last N days; the new version replaces the current one only if it validates better.") { days };
        command.SetAction((parse, cancellationToken) => TrainAsync(parse, context, global, parse.GetValue(days), cancellationToken));
        return command;
    }

    public static Command CreateEvaluate(CliContext context, GlobalOptions global)
    {
        var days = new Option<int>("--days") { Description = "Days back from now to score.", DefaultValueFactory = _ => 7 };
        var command = new Command("evaluate", "Score every forecast version against what was measured, by lead time and hour of day.") { days };
        command.SetAction((parse, cancellationToken) => EvaluateAsync(parse, context, global, parse.GetValue(days), cancellationToken));
        return command;
    }

    private static async Task<int> TrainAsync(ParseResult parse, CliContext context, GlobalOptions global, int? days, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        if (Site(resolved.Options) is not { } site)
        {
            await context.Error.WriteLineAsync("train: set location.latitude, location.longitude and location.time_zone (solar geometry and local days need them).");
            return ExitCodes.InvalidInput;
        }

        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(resolved.Options.DatabasePath);
        using var logging = CliLogging.Create(resolved.Options.LogLevel);
        try
        {
            var database = await OpenAsync(path, context, logging, cancellationToken);
            using var store = new AuroraModelStore(new ModelRunRepository(database), AuroraModelStore.FolderBeside(path));
            using var service = new AuroraTrainingService(
                Loader(database, resolved.Options), store, site, new AuroraTrainingSettings(), context.Clock, logging.CreateLogger<AuroraTrainingService>());
            var result = await service.TrainAsync(days ?? resolved.Options.Forecasting.TrainingDays, cancellationToken);
            await context.Output.WriteLineAsync(result.Summary);
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new { version = result.Run.Version, promoted = result.Promoted, metrics = result.Run.MetricsJson });
            }

            return ExitCodes.Success;
        }
        catch (InsufficientTrainingDataException e)
        {
            await context.Error.WriteLineAsync($"train: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is SqliteException or SchemaVersionTooNewException or IOException or Forecasting.Native.XGBoostException)
        {
            await context.Error.WriteLineAsync($"train: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> EvaluateAsync(ParseResult parse, CliContext context, GlobalOptions global, int days, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        if (days < 1)
        {
            await context.Error.WriteLineAsync("evaluate: --days must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        if (OptionsResolver.ResolveTimeZone(resolved.Options, context) is not { } zone)
        {
            return ExitCodes.InvalidInput;
        }

        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(resolved.Options.DatabasePath);
        using var logging = CliLogging.Create(resolved.Options.LogLevel);
        try
        {
            var database = await OpenAsync(path, context, logging, cancellationToken);
            var now = context.Clock.GetUtcNow();
            var range = SlotRange.Between(SlotGrid.Floor(now) - TimeSpan.FromDays(days), SlotGrid.Floor(now));
            var evaluator = new ForecastEvaluator(
                new SlotForecastRepository(database), new SlotObservationRepository(database), new ModelRunRepository(database), resolved.Options.WaterHeating.Enabled);
            var scores = await evaluator.EvaluateAsync(range, zone, cancellationToken);
            await context.Output.WriteLineAsync($"Forecasts of {range} against measured slots (kWh per slot):");
            await context.Output.WriteLineAsync("version              lead     quantity  n      MAE     RMSE    bias     p10-p90  pinball");
            foreach (var score in scores)
            {
                await context.Output.WriteLineAsync(Row(score.Version, score.Lead, "load", score.Load));
                await context.Output.WriteLineAsync(Row(score.Version, score.Lead, "pv", score.Pv));
            }

            if (scores.Count == 0)
            {
                await context.Output.WriteLineAsync("No forecast in this period has a measured slot to compare with yet.");
            }

            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new
                {
                    days,
                    versions = scores.GroupBy(s => s.Version).ToDictionary(
                        g => g.Key,
                        g => g.ToDictionary(s => s.Lead, s => new
                        {
                            load = Figures(s.Load),
                            pv = Figures(s.Pv),
                            load_mae_by_hour = s.LoadMaeByHour.ToDictionary(h => h.Key.ToString(CultureInfo.InvariantCulture), h => Round(h.Value)),
                            pv_mae_by_hour = s.PvMaeByHour.ToDictionary(h => h.Key.ToString(CultureInfo.InvariantCulture), h => Round(h.Value)),
                        })),
                });
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is SqliteException or SchemaVersionTooNewException or IOException)
        {
            await context.Error.WriteLineAsync($"evaluate: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static HomeSite? Site(DarkstarOptions options) =>
        options.Location is { Latitude: { } latitude, Longitude: { } longitude, TimeZone: { } zone }
            ? new HomeSite(latitude, longitude, TimeZones.Find(zone))
            : null;

    private static HistoryLoader Loader(DarkstarDatabase database, DarkstarOptions options) =>
        new(new SlotObservationRepository(database), new WeatherRepository(database), options.WaterHeating.Enabled);

    private static async Task<DarkstarDatabase> OpenAsync(string path, CliContext context, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
        await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
        return database;
    }

    private static string Row(string version, string lead, string quantity, ErrorFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"{version,-20} {lead,-8} {quantity,-9} {f.Count,-6} {f.Mae,7:0.0000} {f.Rmse,7:0.0000} {f.Bias,8:0.0000} {f.CoverageP10P90,8:0.000} {f.Pinball,8:0.0000}");

    private static Dictionary<string, double?> Figures(ErrorFigures f) => new()
    {
        ["n"] = f.Count,
        ["mae"] = Round(f.Mae),
        ["rmse"] = Round(f.Rmse),
        ["bias"] = Round(f.Bias),
        ["coverage_p10_p90"] = Round(f.CoverageP10P90),
        ["pinball"] = Round(f.Pinball),
    };

    // JSON has no NaN: a figure with nothing to score is null.
    private static double? Round(double value) => double.IsNaN(value) ? null : Math.Round(value, 5);
}
