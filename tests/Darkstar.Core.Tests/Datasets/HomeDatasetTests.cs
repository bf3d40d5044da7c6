using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Testing;

namespace Darkstar.Core.Tests.Datasets;

public sealed class HomeDatasetTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_HomeFolder_SiteMarketMetersPricesWeatherAndTariff()
    {
        SmallHome.Write(_folder.Path, SmallHome.Yaml);

        var dataset = HomeDataset.Load(_folder.Path);

        Assert.Equal("test-home", dataset.Name);
        Assert.Equal(new HomeSite(47.66, 9.18, dataset.TimeZone) { Name = "test-home" }, dataset.Site);
        Assert.Equal("Europe/Berlin", dataset.TimeZone.Id);
        Assert.Equal(("EUR", "DE-LU", "DE"), (dataset.Currency, dataset.PriceArea, dataset.Country));
        Assert.Equal(["grid_import_kwh", "grid_export_kwh", "pv_kwh"], dataset.MeterColumns);
        Assert.Equal(4, dataset.Meters.Count);
        Assert.Equal(new double?[] { null, null, 100.0 }, dataset.Meters[1].Values);
        Assert.Equal([(new DateTimeOffset(2016, 5, 1, 1, 0, 0, TimeSpan.Zero), -2.25)], dataset.Prices.Skip(1));
        Assert.Equal(new WeatherDay(new DateOnly(2016, 5, 2), null, 150, null), dataset.Weather[1]);
        var tariff = dataset.Tariff!;
        Assert.Equal((0.08, 0.05, 19.0, 0.01), (tariff.TransferFeePerKwh, tariff.EnergyTaxPerKwh, Math.Round(tariff.VatPercent, 9), tariff.ExportBonusPerKwh));
    }

    [Fact]
    public void WithPricesFrom_A15MinuteSeriesTenYearsLater_SameWeekdayAndTimeOfDayWithTheGapBridged()
    {
        SmallHome.Write(_folder.Path, SmallHome.Yaml);
        // Sunday 1 May 2016 (the home) lands on Sunday 3 May 2026, 522 weeks later; the series' price is its minute of the
        // day in UTC, and 01:00–01:45 is missing, as the autumn DST day's hour is in real data.
        var lines = new List<string> { "timestamp,price_eur_per_mwh" };
        for (var t = new DateTimeOffset(2026, 4, 30, 22, 0, 0, TimeSpan.Zero); t < new DateTimeOffset(2026, 5, 3, 6, 0, 0, TimeSpan.Zero); t = t.AddMinutes(15))
        {
            if (t.Day == 3 && t.Hour == 1)
            {
                continue;
            }

            lines.Add($"{t:yyyy-MM-ddTHH:mm:ssZ},{(t.Hour * 60) + t.Minute}");
        }

        var file = Path.Combine(_folder.Path, "other-prices.csv");
        File.WriteAllLines(file, lines);

        var home = HomeDataset.Load(_folder.Path);
        var moved = home.WithPricesFrom(file);

        Assert.Equal(13, moved.Prices.Count);
        Assert.Equal(new DateTimeOffset(2016, 5, 1, 0, 0, 0, TimeSpan.Zero), moved.Prices[0].Start);
        Assert.Equal([0.0, 15, 30, 45, 45, 45, 45, 45, 120, 135, 150, 165, 180], moved.Prices.Select(p => p.PerMwh));
        Assert.Equal(home.Meters, moved.Meters);
        Assert.Equal(2, home.Prices.Count);
        Assert.Contains("other-prices.csv", moved.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void WithPricesFrom_ASeriesThatMissesTheHome_SaysSo()
    {
        SmallHome.Write(_folder.Path, SmallHome.Yaml);
        var file = Path.Combine(_folder.Path, "other-prices.csv");
        File.WriteAllLines(file, ["timestamp,price_eur_per_mwh", "2026-09-01T00:00:00Z,10", "2026-09-01T00:15:00Z,11"]);

        var error = Assert.Throws<DatasetFormatException>(() => HomeDataset.Load(_folder.Path).WithPricesFrom(file));

        Assert.Contains("cover none of its slots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoCoordinatesOrMarket_SiteAndLabelsUnknown()
    {
        SmallHome.Write(_folder.Path, "timezone: Europe/Berlin\n");

        var dataset = HomeDataset.Load(_folder.Path);

        Assert.Null(dataset.Site);
        Assert.Null(dataset.PriceArea);
        Assert.Null(dataset.Tariff);
        Assert.Equal(Path.GetFileName(_folder.Path), dataset.Name);
    }

    [Fact]
    public void Load_BadMeterCell_FormatErrorNamingFileAndLine()
    {
        SmallHome.Write(_folder.Path, SmallHome.Yaml);
        var meters = Path.Combine(_folder.Path, "meters.csv");
        File.WriteAllText(meters, File.ReadAllText(meters).Replace("100.5", "1o0.5", StringComparison.Ordinal));

        var error = Assert.Throws<DatasetFormatException>(() => HomeDataset.Load(_folder.Path));

        Assert.Contains("meters.csv:4", error.Message, StringComparison.Ordinal);
        Assert.Contains("'1o0.5'", error.Message, StringComparison.Ordinal);
    }
}
