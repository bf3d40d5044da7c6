using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Learning.Etl;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Benchmarks;

/// <summary>What one ETL benchmark run measured.</summary>
public sealed record EtlBenchmarkResult(int Sensors, int Days, int Readings, int Slots, long ElapsedMs);

/// <summary>
/// The ETL's performance budget ("a year of hourly statistics for 8 sensors in 2 s"): synthetic hourly cumulative
/// readings for up to eight sensors (the seven energy counters and the SoC), seeded so every run sees the same data,
/// through the same <see cref="SlotEtl"/> as backfill and import, into a database of its own. The time measured is
/// the ETL's: slotting, merging, writing and judging the days.
/// </summary>
public static class EtlBenchmark
{
    public const int MaxSensors = 8;

    private static readonly SensorRole[] Roles =
    [
        SensorRole.TotalGridImport, SensorRole.TotalGridExport, SensorRole.TotalPvProduction, SensorRole.TotalLoadConsumption,
        SensorRole.TotalBatteryCharge, SensorRole.TotalBatteryDischarge, SensorRole.WaterHeaterConsumption, SensorRole.BatterySoc,
    ];

    /// <summary>A fixed start, so that the data (and its DST days) are the same on every machine and every day.</summary>
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="databasePath">A database file to create; the caller deletes it.</param>
    public static async Task<EtlBenchmarkResult> RunAsync(
        int sensors, int days, int seed, string databasePath, TimeProvider time, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sensors, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sensors, MaxSensors);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logging);
        var database = new DarkstarDatabase(databasePath, logging.CreateLogger<DarkstarDatabase>());
        await new SchemaMigrator(database, time, logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
        var roles = Roles.Take(sensors).ToList();
        var mapped = roles.Select(r => new MappedSensor(r, $"sensor.bench_{SensorRoles.OptionKey(r)}")).ToList();
        var batch = Generate(roles, days, seed);
        var readings = batch.Counters.Values.Sum(l => l.Count) + batch.Soc.Count;
        var settings = new EtlSettings
        {
            Sensors = mapped,
            Limits = EnergyLimits.FromOptions(new DarkstarOptions()),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"),
        };
        using var etl = new SlotEtl(
            new SlotObservationRepository(database), new SensorTotalRepository(database), new PriceRepository(database),
            new DataQualityRepository(database), settings, time, logging.CreateLogger<SlotEtl>());
        var started = time.GetTimestamp();
        var result = await etl.IngestAsync(batch, cancellationToken);
        var elapsed = time.GetElapsedTime(started);
        return new EtlBenchmarkResult(sensors, days, readings, result.SlotsWritten, (long)elapsed.TotalMilliseconds);
    }

    /// <summary>Hourly readings as the recorder's hourly statistics give them: counters that only grow, a SoC that wanders.</summary>
    public static EtlBatch Generate(IReadOnlyList<SensorRole> roles, int days, int seed)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var random = new Random(seed);
        var batch = new EtlBatch { RegularInterval = TimeSpan.FromHours(1) };
        var hours = days * 24;
        foreach (var role in roles)
        {
            if (role == SensorRole.BatterySoc)
            {
                var soc = 50.0;
                for (var hour = 0; hour <= hours; hour++)
                {
                    soc = Math.Clamp(soc + ((random.NextDouble() - 0.5) * 20), 10, 100);
                    batch.Soc.Add(new SocReading(Start.AddHours(hour), Math.Round(soc, 1)));
                }

                continue;
            }

            var list = new List<CounterReading>(hours + 1);
            var total = 1000 * random.NextDouble();
            for (var hour = 0; hour <= hours; hour++)
            {
                list.Add(new CounterReading(Start.AddHours(hour), Math.Round(total, 3), "kWh"));
                total += 3 * random.NextDouble();
            }

            batch.Counters[role] = list;
        }

        return batch;
    }
}
