using System.CommandLine;
using System.Globalization;
using Darkstar.Learning.Benchmarks;
using Microsoft.Data.Sqlite;

namespace Darkstar.Cli;

/// <summary><c>darkstar bench etl</c>: the ETL's budget of DESIGN.md (a year of hourly statistics for 8 sensors in 2 s).</summary>
public static class BenchEtlCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var sensors = new Option<int>("--sensors") { Description = "Sensors, 1 to 8 (the seven energy counters, then the SoC).", DefaultValueFactory = _ => 8 };
        var days = new Option<int>("--days") { Description = "Days of hourly readings.", DefaultValueFactory = _ => 365 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic readings.", DefaultValueFactory = _ => 1 };
        var command = new Command("etl", "A year of hourly statistics through the ETL into a temporary database (budget: 8 sensors, 365 days, 2 s).")
        {
            sensors, days, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sensorCount = parse.GetValue(sensors);
            var dayCount = parse.GetValue(days);
            if (sensorCount is < 1 or > EtlBenchmark.MaxSensors || dayCount is < 1 or > 3660)
            {
                await context.Error.WriteLineAsync($"bench etl: --sensors must be 1 to {EtlBenchmark.MaxSensors} (was {sensorCount}), --days 1 to 3660 (was {dayCount}).");
                return ExitCodes.InvalidInput;
            }

            var folder = Directory.CreateTempSubdirectory("darkstar-bench-etl-");
            try
            {
                using var logging = CliLogging.Create(Core.Options.LogLevelOption.Warning);
                var result = await EtlBenchmark.RunAsync(
                    sensorCount, dayCount, parse.GetValue(seed), Path.Combine(folder.FullName, "bench.db"), context.Clock, logging, cancellationToken);
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"ETL: {result.Readings} hourly readings of {result.Sensors} sensors over {result.Days} days into {result.Slots} slots in {result.ElapsedMs} ms (budget for 8 sensors and 365 days: 2000 ms)."));
                if (parse.GetValue(global.Json))
                {
                    JsonReport.Write(context.Output, new
                    {
                        sensors = result.Sensors,
                        days = result.Days,
                        readings = result.Readings,
                        slots = result.Slots,
                        elapsed_ms = result.ElapsedMs,
                    });
                }

                return ExitCodes.Success;
            }
            catch (SqliteException e)
            {
                await context.Error.WriteLineAsync($"bench etl: database {folder.FullName}: {e.Message}");
                return ExitCodes.Failure;
            }
            finally
            {
                // SQLite's pooled connections hold the file open until the pool lets go of it.
                SqliteConnection.ClearAllPools();
                folder.Delete(recursive: true);
            }
        });
        return command;
    }
}
