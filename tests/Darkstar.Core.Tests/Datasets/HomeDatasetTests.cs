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
