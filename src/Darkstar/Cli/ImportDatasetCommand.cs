using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Learning.Datasets;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary><c>darkstar import-dataset --home DIR</c>: a home folder of the shared data sets through the live ETL.</summary>
public static class ImportDatasetCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var home = new Option<DirectoryInfo>("--home")
        {
            Description = "A home folder: home.yaml, meters.csv, prices.csv, weather_daily.csv (e.g. ../shared/data/konstanz-home).",
            Required = true,
        };
        var command = new Command("import-dataset", "Load a home data set into the database through the same ETL as the live add-on.") { home };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, context, global, parse.GetValue(home)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CliContext context, GlobalOptions global, DirectoryInfo home, CancellationToken cancellationToken)
    {
        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        HomeDataset dataset;
        try
        {
            dataset = HomeDataset.Load(home.FullName);
        }
        catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"import-dataset: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        // Options given explicitly set the tariff; without them the tariff the data set assumes is the one to use.
        var explicitOptions = parse.GetValue(global.Config) is not null || File.Exists(context.AddOnOptionsPath);
        var tariff = explicitOptions || dataset.Tariff is null ? Tariff.FromOptions(resolved.Options.Pricing) : dataset.Tariff;
        var path = parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(resolved.Options.DatabasePath);
        using var logging = CliLogging.Create(resolved.Options.LogLevel);
        var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
        try
        {
            await new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
            var importer = new DatasetImporter(
                new SlotObservationRepository(database),
                new SensorTotalRepository(database),
                new PriceRepository(database),
                new WeatherRepository(database),
                new DataQualityRepository(database),
                context.Clock,
                logging);
            var report = await importer.ImportAsync(dataset, resolved.Options, tariff, cancellationToken);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Imported {dataset.Name} into {path}: {report.Slots} slots, load {report.LoadKwh:0.0} kWh, PV {report.PvKwh:0.0} kWh, " +
                $"import {report.ImportKwh:0.0} kWh, export {report.ExportKwh:0.0} kWh, {report.InterpolatedSlots} slots interpolated across gaps; " +
                $"days clean {report.Days[DayQualityStatus.Clean]}, mask_battery {report.Days[DayQualityStatus.MaskBattery]}, exclude {report.Days[DayQualityStatus.Exclude]}; " +
                $"{report.PriceSlots} price slots, {report.WeatherSlots} weather slots ({report.RadiationReplacedDays} days of radiation replaced by their sunshine estimate); {report.ElapsedMs} ms."));
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new
                {
                    slots = report.Slots,
                    load_kwh = Math.Round(report.LoadKwh, 3),
                    pv_kwh = Math.Round(report.PvKwh, 3),
                    import_kwh = Math.Round(report.ImportKwh, 3),
                    export_kwh = Math.Round(report.ExportKwh, 3),
                    interpolated_slots = report.InterpolatedSlots,
                    days = new Dictionary<string, int>
                    {
                        ["clean"] = report.Days[DayQualityStatus.Clean],
                        ["mask_battery"] = report.Days[DayQualityStatus.MaskBattery],
                        ["exclude"] = report.Days[DayQualityStatus.Exclude],
                    },
                    radiation_replaced_days = report.RadiationReplacedDays,
                    elapsed_ms = report.ElapsedMs,
                });
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is DatasetFormatException or Core.Units.UnitConversionException)
        {
            await context.Error.WriteLineAsync($"import-dataset: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is SqliteException or SchemaVersionTooNewException or IOException)
        {
            await context.Error.WriteLineAsync($"Database {path}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
