using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

/// <summary>The car's request and vacation mode, from the options and what the home says now.</summary>
public sealed class DeferrableLoadInputTests
{
    private static readonly CarOptions Car = new()
    {
        Enabled = true, SocSensor = "sensor.car_soc", ChargerCurrentEntity = "number.wallbox_current", BatteryKwh = 60,
        DepartureEntity = "input_datetime.car_departure", TargetSocEntity = "input_number.car_target",
    };

    private static readonly SlotRange Horizon = new(SlotGrid.IndexOf(ProblemBuilder.Start.AddHours(18)), 192);

    [Fact]
    public void Resolve_DepartureInThePast_NamesTheOptionAndPlansForTheSameTimeNext()
    {
        var past = ProblemBuilder.Start.AddHours(7);

        var request = CarChargingRequest.Resolve(Car, 40, past, 80, pluggedIn: true, Horizon, TimeZoneInfo.Utc);

        Assert.Equal(ProblemBuilder.Start.AddDays(1).AddHours(7), request.Car!.Departure);
        Assert.StartsWith("car.departure_entity (input_datetime.car_departure) is 2026-06-01 07:00, in the past", request.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TargetBelowTheCarsSoc_NamesTheOptionAndPlansNoCharging()
    {
        var request = CarChargingRequest.Resolve(Car, 85, ProblemBuilder.Start.AddDays(1), 70, pluggedIn: true, Horizon, TimeZoneInfo.Utc);

        Assert.Null(request.Car);
        Assert.Equal("car.target_soc_entity (input_number.car_target) is 70 %, not above the car's state of charge (85 %, car.soc_sensor): nothing to charge", request.Problem);
    }

    [Fact]
    public void Resolve_TargetOutOfReach_SaysSoAndStillCharges()
    {
        // 1 hour at 11 kW gives about 10 kWh in the car: 17 % of 60 kWh, not the 50 points asked.
        var request = CarChargingRequest.Resolve(Car, 20, ProblemBuilder.Start.AddHours(19), 70, pluggedIn: true, Horizon, TimeZoneInfo.Utc);

        Assert.NotNull(request.Car);
        Assert.False(request.TargetReachable);
        Assert.StartsWith("the car cannot reach 70 % by 2026-06-01 19:00", request.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WithoutEntities_UsesTheDefaultDepartureAndTarget()
    {
        var car = Car with { DepartureEntity = null, TargetSocEntity = null, ChargerCurrentEntity = null, ChargerSwitchEntity = "switch.wallbox" };

        var request = CarChargingRequest.Resolve(car, 40, null, null, pluggedIn: true, Horizon, TimeZoneInfo.Utc);

        Assert.Null(request.Problem);
        Assert.Equal(ProblemBuilder.Start.AddDays(1).AddHours(7), request.Car!.Departure);
        Assert.Equal(80, request.Car.TargetSocPercent);
        Assert.False(request.Car.Modulating);
    }

    [Fact]
    public void Resolve_Unplugged_PlansNoCar()
    {
        Assert.Null(CarChargingRequest.Resolve(Car, 40, null, 80, pluggedIn: false, Horizon, TimeZoneInfo.Utc).Car);
    }

    [Fact]
    public void WaterHeatingOptions_MapToAFlexibleLoadOverTheWholeDay()
    {
        var load = FlexibleLoadSpec.FromWaterHeating(new WaterHeatingOptions { Enabled = true, PowerKw = 3, MinKwhPerDay = 6, MaxBlocksPerDay = 2, MinSpacingMinutes = 120 });

        Assert.Equal(8, load.SlotsPerDay);
        Assert.Equal(4, load.RunSlots);
        Assert.Equal(8, load.MinSpacingSlots);
        Assert.Equal([new LoadWindow(0, 96, false, true)], load.Windows(new SlotRange(SlotGrid.IndexOf(ProblemBuilder.Start), 96), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Vacation_LowersTheLoadAndHeatsTheWaterOnlyOnItsWeekday()
    {
        // 2026-06-01 is a Monday; a week of slots, the heating only on Wednesday.
        var problem = ProblemBuilder.Constant(7 * 96, load: 0.4, pv: 0, importPrice: 0.2, exportPrice: 0) with
        {
            Water = new WaterHeatingSpec(true, 3, 6, 2, 8),
        };
        var water = new WaterHeatingOptions { Enabled = true, PowerKw = 3, MinKwhPerDay = 6, MaxBlocksPerDay = 2, MinSpacingMinutes = 120 };

        var away = VacationPlanning.Apply(problem, new VacationOptions { Enabled = true, LoadFactor = 0.5, LegionellaWeekday = DayOfWeek.Wednesday }, water);
        var schedule = KeplerModel.Solve(away);

        Assert.All(away.LoadKwh, kwh => Assert.Equal(0.2, kwh, 9));
        Assert.False(away.Water.Enabled);
        var heated = schedule.Slots.Where(s => s.FlexibleLoadKwh.Count == 1 && s.FlexibleLoadKwh[0] > 0).ToArray();
        Assert.Equal(8, heated.Length);
        Assert.All(heated, s => Assert.Equal(DayOfWeek.Wednesday, s.Start.DayOfWeek));
    }

    [Fact]
    public void Vacation_TheWeeklyHeatingSwitchesTheWaterHeaterInThePlan()
    {
        var problem = ProblemBuilder.Constant(7 * 96, load: 0.4, pv: 0, importPrice: 0.2, exportPrice: 0) with
        {
            Water = new WaterHeatingSpec(true, 3, 6, 2, 8),
        };
        var water = new WaterHeatingOptions { Enabled = true, PowerKw = 3, MinKwhPerDay = 6, MaxBlocksPerDay = 2, MinSpacingMinutes = 120 };
        var away = VacationPlanning.Apply(problem, new VacationOptions { Enabled = true, LegionellaWeekday = DayOfWeek.Friday }, water);

        var schedule = VacationPlanning.WithHeatingAsWater(KeplerModel.Solve(away), away);

        var on = schedule.Slots.Where(s => s.WaterOn).ToArray();
        Assert.Equal(8, on.Length);
        Assert.All(on, s => Assert.Equal(DayOfWeek.Friday, s.Start.DayOfWeek));
        Assert.All(on, s => Assert.Equal(0.75, s.WaterKwh, 9));
    }
}
