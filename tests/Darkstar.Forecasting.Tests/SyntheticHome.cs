using Darkstar.Core.Domain;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Forecasting.Tests;

/// <summary>A migrated database in a temp folder holding <c>days</c> days of a made-up home: a daily load rhythm, PV from the sun.</summary>
public sealed class SyntheticHome : IDisposable
{
    public static readonly HomeSite Site = new(59.3, 18.1, TimeZones.Find("Europe/Stockholm"));

    /// <summary>Small and quick: enough for tests, not for skill.</summary>
    public static readonly AuroraTrainingSettings FastTraining = new()
    {
        MinimumDays = 5,
        Parameters = new BoostingParameters { MaxRounds = 25, LearningRate = 0.3, MaxDepth = 3, EarlyStoppingRounds = 10 },
        IntervalParameters = null,
    };

    private readonly TempDirectory _folder = new();

    private SyntheticHome(DateTimeOffset now)
    {
        Clock = new FakeTimeProvider(now);
        Database = new DarkstarDatabase(_folder.File("darkstar.db"));
        Observations = new SlotObservationRepository(Database);
        Forecasts = new SlotForecastRepository(Database);
        Runs = new ModelRunRepository(Database);
        Weather = new WeatherRepository(Database);
        Quality = new DataQualityRepository(Database);
        Loader = new HistoryLoader(Observations, Weather);
        Store = new AuroraModelStore(Runs, AuroraModelStore.FolderBeside(Database.Path));
    }

    public FakeTimeProvider Clock { get; }

    public DarkstarDatabase Database { get; }

    public SlotObservationRepository Observations { get; }

    public SlotForecastRepository Forecasts { get; }

    public ModelRunRepository Runs { get; }

    public WeatherRepository Weather { get; }

    public DataQualityRepository Quality { get; }

    public HistoryLoader Loader { get; }

    public AuroraModelStore Store { get; }

    /// <summary>A home measured for <paramref name="days"/> days up to <paramref name="now"/>.</summary>
    public static async Task<SyntheticHome> CreateAsync(DateTimeOffset now, int days)
    {
        var home = new SyntheticHome(now);
        await new SchemaMigrator(home.Database, home.Clock).MigrateAsync(CancellationToken.None);
        var range = SlotRange.Between(SlotGrid.Floor(now) - TimeSpan.FromDays(days), SlotGrid.Floor(now));
        await home.Observations.UpsertAsync(range.Select(Observation), CancellationToken.None);
        await home.Weather.UpsertAsync(
            SlotRange.Between(range.Start, range.End + TimeSpan.FromDays(3)).Select(s => new SlotWeather
            {
                SlotStart = s, Kind = WeatherKind.Observed, IssuedAt = s, TemperatureC = 5, ShortwaveRadiationWM2 = 120, Source = "test",
            }),
            CancellationToken.None);
        return home;
    }

    public static SlotObservation Observation(DateTimeOffset slot)
    {
        var local = TimeZoneInfo.ConvertTime(slot, Site.TimeZone);
        var hour = local.Hour + (local.Minute / 60.0);
        var load = 0.15 + (0.1 * Math.Sin(hour / 24 * 2 * Math.PI)) + (local.DayOfWeek == DayOfWeek.Sunday ? 0.05 : 0) + (0.02 * (slot.Minute / 15));
        var elevation = SolarPosition.ElevationDegrees(slot.AddMinutes(7.5), Site.Latitude, Site.Longitude);
        var pv = 0.5 * SolarPosition.ClearSkyIrradiance(elevation) / 1000 * (0.6 + (0.3 * ((slot.DayOfYear % 3) / 2.0)));
        return new SlotObservation { SlotStart = slot, LoadKwh = load, PvKwh = pv, QualityFlags = SlotQuality.Estimated };
    }

    public AuroraTrainingService TrainingService() =>
        new(Loader, Store, Site, FastTraining, Clock, NullLogger<AuroraTrainingService>.Instance);

    public ForecastRunner Runner() =>
        new(Loader, Forecasts, Store, Site, Clock, NullLogger<ForecastRunner>.Instance);

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
