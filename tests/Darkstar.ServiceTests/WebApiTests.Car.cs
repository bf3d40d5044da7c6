using Darkstar.Core.Car;
using Darkstar.Core.Time;

namespace Darkstar.ServiceTests;

/// <summary>The car in the web API: the overview's car as the last plan left it, the plan's slots with the car's energy, the OpenAPI document naming both.</summary>
public sealed partial class WebApiTests
{
    private static readonly string[] PlannedCarStates = ["planned", "ready", "unreachable"];

    [Fact]
    public async Task Overview_CarriesTheCarAsTheLastPlanLeftIt_AndThePlansSlotsItsCharging()
    {
        // At night the simulated car is home, plugged in, and planned by its departure.
        var status = Service.Get<CarStatusBoard>().Current;
        var overview = await GetAsync("api/overview");

        var car = overview["car"]!;
        Assert.Equal(CarPlanStatus.Text(status.State), car["state"]!.GetValue<string>());
        Assert.Contains(car["state"]!.GetValue<string>(), PlannedCarStates);
        Assert.True(car["plugged_in"]!.GetValue<bool>());
        Assert.Equal(status.TargetSocPercent, car["target_soc_percent"]!.GetValue<double>());
        Assert.Equal(status.SocPercent, car["soc_percent"]!.GetValue<double>());
        Assert.Equal(status.Departure, car["departure"]!.GetValue<DateTimeOffset>());
        Assert.Equal(status.TargetReachable, car["target_reachable"]!.GetValue<bool>());
        Assert.Equal(status.PlannedKwh, car["planned_kwh"]!.GetValue<double>(), 6);

        // The plan's slots carry the car's energy: charging now is the slot now's, at its power.
        var slots = overview["plan"]!["slots"]!.AsArray();
        Assert.All(slots, s => Assert.NotNull(s!["car_kwh"]));
        var now = SlotGrid.Floor(Service.Home.Clock.GetUtcNow());
        var slotNow = slots.Single(s => s!["slot_start"]!.GetValue<DateTimeOffset>() == now)!;
        var kwhNow = slotNow["car_kwh"]!.GetValue<double>();
        Assert.Equal(kwhNow >= 0.01, car["charging_now"]!.GetValue<bool>());
        Assert.Equal(kwhNow >= 0.01 ? kwhNow * 4 : 0, car["charging_kw"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task OpenApi_NamesTheCarsFields()
    {
        var document = await GetAsync("api/openapi.json");

        Assert.Contains("car_kwh", document["paths"]!["/api/plan"]!["get"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("charging_now", document["paths"]!["/api/overview"]!["get"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
