using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Execution.Car;
using Darkstar.HomeAssistant.Model;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

/// <summary>The executor's car charger and the reading of the car's entities.</summary>
public sealed class CarChargingTests
{
    private const string Charger = "switch.darkstar_sim_car_charger";
    private const string Current = "number.darkstar_sim_car_charging_current";
    private static readonly TimeZoneInfo Stockholm = TimeZones.Find("Europe/Stockholm");

    private static CarOptions Car => WithCar.Car;

    private static SlotPlan Charging(double carKwh) => Slot(PlannedAction.Hold) with { CarKwh = carKwh };

    [Fact]
    public void Targets_PlannedSlot_SwitchOnAndTheCurrentThatDrawsThePlannedPower()
    {
        // 0.5 kWh in a quarter hour is 2 kW: 8.7 A on one phase at 230 V, rounded up to 9 A.
        var targets = CarCharging.Targets(Car, Charging(0.5));

        Assert.Equal(9, Assert.IsType<NumberValueTarget>(Assert.Single(targets, t => t.Role == ActuatorRole.CarChargingCurrent)).Value);
        Assert.True(Assert.IsType<SwitchTarget>(Assert.Single(targets, t => t.Role == ActuatorRole.CarCharger)).On);
        Assert.Equal([Current, Charger], targets.Select(t => t.EntityId));
    }

    [Fact]
    public void Targets_FullPowerAndATrickle_HeldToTheChargersCurrents()
    {
        Assert.Equal(16, CarCharging.CurrentFor(Car, 11));
        Assert.Equal(6, CarCharging.CurrentFor(Car, 0.2));
    }

    [Fact]
    public void Targets_NoChargingWithASwitch_SwitchOffAndTheCurrentLeftAlone()
    {
        var target = Assert.Single(CarCharging.Targets(Car, Charging(0)));

        Assert.False(Assert.IsType<SwitchTarget>(target).On);
    }

    [Fact]
    public void Targets_NoChargingWithOnlyACurrent_ZeroAmperes()
    {
        var target = Assert.Single(CarCharging.Targets(Car with { ChargerSwitchEntity = null }, Charging(0.001)));

        Assert.Equal(0, Assert.IsType<NumberValueTarget>(target).Value);
    }

    [Fact]
    public void Decide_CarOff_NoCarTargets_CarOn_FollowsThePlanButNotInSafeMode()
    {
        Assert.DoesNotContain(ExecutionPolicy.Decide(SimulatedHomeOptions, Inputs(Charging(0.9))).Targets, t => t.Role is ActuatorRole.CarCharger or ActuatorRole.CarChargingCurrent);

        var following = ExecutionPolicy.Decide(WithCar, Inputs(Charging(0.9)));
        Assert.Contains(following.Targets, t => t is SwitchTarget { Role: ActuatorRole.CarCharger, On: true });
        Assert.Contains(following.Targets, t => t is NumberValueTarget { Role: ActuatorRole.CarChargingCurrent, Value: 16 });

        var safe = ExecutionPolicy.Decide(WithCar, Inputs(null));
        Assert.Equal(ExecutionMode.SafeMode, safe.Mode);
        Assert.DoesNotContain(safe.Targets, t => t.Role is ActuatorRole.CarCharger or ActuatorRole.CarChargingCurrent);
    }

    [Fact]
    public void Read_SocUnavailable_NotPluggedInAndTheOptionNamed()
    {
        var options = Car with { PluggedInSensor = null };
        var reading = CarStateReader.Read(options, States(("sensor.darkstar_sim_car_soc", "unavailable")), Now, Stockholm);

        Assert.Null(reading.SocPercent);
        Assert.False(reading.PluggedIn);
        Assert.Equal("car.soc_sensor (sensor.darkstar_sim_car_soc) is unavailable", Assert.Single(reading.Problems));
    }

    [Fact]
    public void Read_WithoutPluggedInSensor_PluggedInWhileTheSocIsKnown()
    {
        var reading = CarStateReader.Read(Car with { PluggedInSensor = null }, States(("sensor.darkstar_sim_car_soc", "42.5")), Now, Stockholm);

        Assert.Equal(42.5, reading.SocPercent);
        Assert.True(reading.PluggedIn);
        Assert.Empty(reading.Problems);
    }

    [Fact]
    public void Read_PluggedInSensorOff_NotPluggedIn()
    {
        var reading = CarStateReader.Read(Car, States(("sensor.darkstar_sim_car_soc", "42"), ("binary_sensor.darkstar_sim_car_plugged_in", "off")), Now, Stockholm);

        Assert.False(reading.PluggedIn);
    }

    [Fact]
    public void Read_HelpersForDepartureAndTarget_TheirValues_OrTheOptionNamedWhenUnreadable()
    {
        var options = Car with { DepartureEntity = "input_datetime.car_departure", TargetSocEntity = "input_number.car_target" };
        var reading = CarStateReader.Read(options, States(
            ("sensor.darkstar_sim_car_soc", "42"), ("binary_sensor.darkstar_sim_car_plugged_in", "on"),
            ("input_datetime.car_departure", "2026-01-16 06:30:00"), ("input_number.car_target", "90.0")), Now, Stockholm);
        Assert.Equal(new DateTimeOffset(2026, 1, 16, 6, 30, 0, TimeSpan.FromHours(1)), reading.Departure);
        Assert.Equal(90, reading.TargetSocPercent);

        var unreadable = CarStateReader.Read(options, States(
            ("sensor.darkstar_sim_car_soc", "42"), ("input_datetime.car_departure", "soon"), ("input_number.car_target", "unknown")), Now, Stockholm);
        Assert.Null(unreadable.Departure);
        Assert.Null(unreadable.TargetSocPercent);
        Assert.Contains("car.departure_entity (input_datetime.car_departure) holds 'soon', neither a time nor a date and time: car.departure_time applies", unreadable.Problems);
        Assert.Contains("car.target_soc_entity (input_number.car_target) is unknown", unreadable.Problems);
        Assert.Contains("car.plugged_in_sensor (binary_sensor.darkstar_sim_car_plugged_in) is not in Home Assistant", unreadable.Problems);
    }

    [Fact]
    public void Departure_TimeOfDay_ItsNextOccurrence()
    {
        var now = new DateTimeOffset(2026, 1, 15, 8, 0, 0, TimeSpan.FromHours(1));

        Assert.Equal(new DateTimeOffset(2026, 1, 16, 7, 0, 0, TimeSpan.FromHours(1)), CarStateReader.Departure("07:00:00", now, Stockholm));
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 17, 45, 0, TimeSpan.FromHours(1)), CarStateReader.Departure("17:45", now, Stockholm));
    }

    private static Dictionary<string, EntityState> States(params (string Id, string State)[] states) =>
        states.ToDictionary(s => s.Id, s => new EntityState(s.Id, s.State, EntityState.EmptyAttributes, Now, Now), StringComparer.Ordinal);
}
