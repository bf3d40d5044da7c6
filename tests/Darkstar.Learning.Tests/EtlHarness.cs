using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Learning.Etl;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

/// <summary>A migrated database of its own with the repositories and an ETL over it.</summary>
internal sealed class EtlHarness : IDisposable
{
    private readonly TempDirectory _folder = new();

    private EtlHarness(DateTimeOffset now)
    {
        Clock = new FakeTimeProvider(now);
        Database = new DarkstarDatabase(_folder.File("darkstar.db"));
        Observations = new SlotObservationRepository(Database);
        Totals = new SensorTotalRepository(Database);
        Prices = new PriceRepository(Database);
        Weather = new WeatherRepository(Database);
        Quality = new DataQualityRepository(Database);
    }

    public FakeTimeProvider Clock { get; }

    public DarkstarDatabase Database { get; }

    public SlotObservationRepository Observations { get; }

    public SensorTotalRepository Totals { get; }

    public PriceRepository Prices { get; }

    public WeatherRepository Weather { get; }

    public DataQualityRepository Quality { get; }

    public static async Task<EtlHarness> CreateAsync(DateTimeOffset now)
    {
        var harness = new EtlHarness(now);
        await new SchemaMigrator(harness.Database, harness.Clock).MigrateAsync(CancellationToken.None);
        return harness;
    }

    public SlotEtl Etl(IReadOnlyList<MappedSensor> sensors, string timeZone = "Europe/Stockholm", DarkstarOptions? options = null) =>
        new(Observations, Totals, Prices, Quality, new EtlSettings
        {
            Sensors = sensors,
            Limits = EnergyLimits.FromOptions(options ?? new DarkstarOptions()),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZone),
        }, Clock, NullLogger<SlotEtl>.Instance);

    public void Dispose() => _folder.Dispose();
}
