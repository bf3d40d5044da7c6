namespace Darkstar.Testing;

/// <summary>
/// A small home data set folder (the format of the shared data sets): four hourly readings with a two-hour gap in the
/// grid meters, two hours of prices and two days of weather.
/// </summary>
public static class SmallHome
{
    /// <summary>A home.yaml that states everything: site, market and tariff.</summary>
    public const string Yaml =
        "name: test-home\ntimezone: Europe/Berlin\nlatitude: 47.66\nlongitude: 9.18\ncurrency: EUR\nprice_area: DE-LU\ncountry: DE\n" +
        "tariff:\n  import: (spot + 0.08 + 0.05) * 1.19\n  export: spot + 0.01\n";

    /// <summary>Writes the home with <paramref name="homeYaml"/> as its home.yaml into <paramref name="folder"/>.</summary>
    public static void Write(string folder, string homeYaml)
    {
        File.WriteAllText(Path.Combine(folder, "home.yaml"), homeYaml);
        File.WriteAllLines(Path.Combine(folder, "meters.csv"),
        [
            "timestamp,grid_import_kwh,grid_export_kwh,pv_kwh",
            "2016-05-01T00:00:00Z,10.0,1.0,100.0",
            "2016-05-01T01:00:00Z,,,100.0",
            "2016-05-01T02:00:00Z,,,100.5",
            "2016-05-01T03:00:00Z,13.0,1.0,101.0",
        ]);
        File.WriteAllLines(Path.Combine(folder, "prices.csv"),
        [
            "timestamp,price_eur_per_mwh",
            "2016-05-01T00:00:00Z,30.5",
            "2016-05-01T01:00:00Z,-2.25",
        ]);
        File.WriteAllLines(Path.Combine(folder, "weather_daily.csv"),
        [
            "date,temp_mean_c,global_radiation_w_per_m2,sunshine_hours",
            "2016-05-01,12.5,180.0,6.1",
            "2016-05-02,,150.0,",
        ]);
    }
}
