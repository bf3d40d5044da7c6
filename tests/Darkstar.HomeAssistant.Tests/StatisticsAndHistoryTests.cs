using Darkstar.HomeAssistant.Model;

namespace Darkstar.HomeAssistant.Tests;

public class StatisticsAndHistoryTests
{
    [Fact]
    public void ParseResult_EpochMillisecondRows_GivesInstantsAndColumns()
    {
        var rows = StatisticsRow.ParseResult(TestSupport.Parse("""
            {"sensor.grid_import":[
              {"start":1767225600000,"end":1767229200000,"change":0.42,"sum":1234.5,"state":5000.25,"last_reset":null},
              {"start":1767229200000,"end":1767232800000,"change":null,"sum":1234.5}
            ],
             "sensor.power":[{"start":1767225600000,"end":1767225900000,"mean":812.5,"min":300,"max":2100}]}
            """));

        var import = rows["sensor.grid_import"];
        Assert.Equal(2, import.Count);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), import[0].Start);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero), import[0].End);
        Assert.Equal(0.42, import[0].Change);
        Assert.Equal(1234.5, import[0].Sum);
        Assert.Equal(5000.25, import[0].State);
        Assert.Null(import[0].LastReset);
        Assert.Null(import[1].Change);
        Assert.Null(import[1].Mean);
        var power = Assert.Single(rows["sensor.power"]);
        Assert.Equal(TimeSpan.FromMinutes(5), power.End - power.Start);
        Assert.Equal((812.5, 300.0, 2100.0), (power.Mean!.Value, power.Min!.Value, power.Max!.Value));
    }

    [Fact]
    public void ParseResult_IsoTextInstants_AreAlsoRead()
    {
        var row = Assert.Single(StatisticsRow.ParseResult(TestSupport.Parse("""
            {"sensor.a":[{"start":"2026-01-01T00:00:00+00:00","end":"2026-01-01T01:00:00+00:00","sum":1,"last_reset":"2025-12-31T23:00:00+00:00"}]}
            """))["sensor.a"]);

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), row.Start);
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), row.LastReset);
    }

    [Fact]
    public void ParseResult_RowWithoutStart_ThrowsProtocolException()
    {
        Assert.Throws<HomeAssistantProtocolException>(() => StatisticsRow.ParseResult(TestSupport.Parse("""{"sensor.a":[{"end":1767229200000}]}""")));
    }

    [Fact]
    public void ToCommand_Request_WritesIsoTimesPeriodTypesAndUnits()
    {
        var request = new StatisticsRequest(
            ["sensor.grid_import", "sensor.pv"],
            new DateTimeOffset(2026, 3, 29, 2, 0, 0, TimeSpan.FromHours(2)),
            new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.Zero),
            StatisticsPeriod.FiveMinutes,
            StatisticTypes.Change | StatisticTypes.Sum,
            new Dictionary<string, string> { ["energy"] = "kWh" });

        var command = request.ToCommand();

        Assert.Equal("recorder/statistics_during_period", command["type"]!.GetValue<string>());
        Assert.Equal("2026-03-29T00:00:00Z", command["start_time"]!.GetValue<string>());
        Assert.Equal("2026-03-30T00:00:00Z", command["end_time"]!.GetValue<string>());
        Assert.Equal("5minute", command["period"]!.GetValue<string>());
        Assert.Equal(["change", "sum"], command["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["sensor.grid_import", "sensor.pv"], command["statistic_ids"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("kWh", command["units"]!["energy"]!.GetValue<string>());
    }

    [Fact]
    public void ToCommand_AllTypesNoEndNoUnits_LeavesThemOut()
    {
        var command = new StatisticsRequest(["sensor.a"], DateTimeOffset.UnixEpoch, null, StatisticsPeriod.Hour).ToCommand();

        Assert.False(command.ContainsKey("end_time"));
        Assert.False(command.ContainsKey("types"));
        Assert.False(command.ContainsKey("units"));
        Assert.Equal("hour", command["period"]!.GetValue<string>());
    }

    [Fact]
    public void ParseList_StatisticIds_ReadsMetadata()
    {
        var list = StatisticMetadata.ParseList(TestSupport.Parse("""
            [{"statistic_id":"sensor.grid_import","name":"Grid import","source":"recorder","statistics_unit_of_measurement":"kWh",
              "display_unit_of_measurement":"kWh","unit_class":"energy","has_mean":false,"has_sum":true},
             {"statistic_id":"sensor.power","source":"recorder","mean_type":1,"has_sum":false,"unit_class":"power"}]
            """));

        Assert.Equal(2, list.Count);
        Assert.True(list[0].HasSum);
        Assert.False(list[0].HasMean);
        Assert.Equal("kWh", list[0].StatisticsUnitOfMeasurement);
        Assert.True(list[1].HasMean);
        Assert.Null(list[1].Name);
    }

    [Fact]
    public void ParseResponse_MinimalResponse_FillsEntityIdAndCarriesAttributes()
    {
        var histories = EntityHistory.ParseResponse(TestSupport.Parse("""
            [[
              {"entity_id":"sensor.energy","state":"10.0","attributes":{"unit_of_measurement":"kWh","state_class":"total_increasing"},
               "last_changed":"2026-01-01T00:00:00+00:00","last_updated":"2026-01-01T00:00:00+00:00"},
              {"state":"10.5","last_changed":"2026-01-01T00:15:00+00:00"},
              {"state":"unavailable","last_changed":"2026-01-01T00:30:00+00:00"},
              {"entity_id":"sensor.energy","state":"11500","attributes":{"unit_of_measurement":"Wh"},
               "last_changed":"2026-01-01T00:45:00+00:00","last_updated":"2026-01-01T00:45:00+00:00"}
            ],
            [
              {"entity_id":"sensor.power","state":"500","attributes":{"unit_of_measurement":"W"},"last_changed":"2026-01-01T00:00:00+00:00","last_updated":"2026-01-01T00:00:00+00:00"}
            ]]
            """));

        Assert.Equal(["sensor.energy", "sensor.power"], histories.Select(h => h.EntityId));
        var energy = histories[0].States;
        Assert.Equal(4, energy.Count);
        Assert.All(energy, s => Assert.Equal("sensor.energy", s.EntityId));
        Assert.Equal(10.5, energy[1].GetKilowattHours());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 15, 0, TimeSpan.Zero), energy[1].LastUpdated);
        Assert.Null(energy[2].GetKilowattHours());
        Assert.Equal(11.5, energy[3].GetKilowattHours());
        Assert.Equal(0.5, histories[1].States[0].GetKilowatts());
    }

    [Fact]
    public void ParseResponse_NotAnArray_ThrowsProtocolException()
    {
        Assert.Throws<HomeAssistantProtocolException>(() => EntityHistory.ParseResponse(TestSupport.Parse("""{"message":"x"}""")));
    }
}
