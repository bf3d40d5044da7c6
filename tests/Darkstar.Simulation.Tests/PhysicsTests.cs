using System.Text.Json.Nodes;
using Darkstar.Simulation.Home;
using Darkstar.Simulation.Sources;

namespace Darkstar.Simulation.Tests;

public sealed class PhysicsTests
{
    [Fact]
    public async Task Step_AnyDay_EnergyBalances()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning);
        var before = Counters(home);
        var socBefore = home.Model.SocPercent;

        await home.AdvanceAsync(TimeSpan.FromHours(24), CancellationToken.None);

        var after = Counters(home);
        double Delta(string id) => after[id] - before[id];
        var supplied = Delta(EntityIds.PvEnergy) + Delta(EntityIds.GridImportEnergy) + Delta(EntityIds.BatteryDischargeEnergy);
        var used = Delta(EntityIds.LoadEnergy) + Delta(EntityIds.GridExportEnergy) + Delta(EntityIds.BatteryChargeEnergy);
        Assert.Equal(supplied, used, 0.02);
        Assert.True(Delta(EntityIds.PvEnergy) > 10, "a June day in Stockholm gives an 8 kWp array more than 10 kWh");
        // Round trip 0.9: what went in, less what came out through the losses, is the change of the stored energy.
        var stored = (home.Model.SocPercent - socBefore) / 100 * HomeSimulation.BatteryCapacityKwh;
        var expected = (Delta(EntityIds.BatteryChargeEnergy) * Math.Sqrt(0.9)) - (Delta(EntityIds.BatteryDischargeEnergy) / Math.Sqrt(0.9));
        Assert.Equal(expected, stored, 0.02);
    }

    [Fact]
    public async Task ForceCharge_GridChargingOn_ChargesAtTheLimitToTheTarget()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.WinterNoon);
        await CallAsync(home, "number", "set_value", EntityIds.SocTarget, new JsonObject { ["value"] = 90 });
        await CallAsync(home, "number", "set_value", EntityIds.MaxChargePower, new JsonObject { ["value"] = 3000 });
        await CallAsync(home, "switch", "turn_on", EntityIds.GridCharging, []);
        await CallAsync(home, "select", "select_option", EntityIds.WorkMode, new JsonObject { ["option"] = WorkModes.ForceCharge });
        var charged = Counter(home, EntityIds.BatteryChargeEnergy);

        await home.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(3.0, Counter(home, EntityIds.BatteryChargeEnergy) - charged, 0.01);
        Assert.Equal("3000", home.States.Get(EntityIds.BatteryPower)!.State);
        await home.AdvanceAsync(TimeSpan.FromHours(3), CancellationToken.None);
        Assert.Equal(90, home.Model.SocPercent, 0.01);
        Assert.Equal("0", home.States.Get(EntityIds.BatteryPower)!.State);
    }

    [Fact]
    public async Task ForceCharge_GridChargingOffAtNight_DoesNotCharge()
    {
        await using var home = await TestHomes.StartAsync(new DateTimeOffset(2026, 1, 12, 22, 0, 0, TimeSpan.Zero));
        await CallAsync(home, "select", "select_option", EntityIds.WorkMode, new JsonObject { ["option"] = WorkModes.ForceCharge });
        var soc = home.Model.SocPercent;

        await home.AdvanceAsync(TimeSpan.FromHours(2), CancellationToken.None);

        Assert.Equal(soc, home.Model.SocPercent, 6);
    }

    [Fact]
    public async Task ForceExport_FullPower_ExportsDownToTheTargetAndNoFurther()
    {
        await using var home = await TestHomes.StartAsync(new DateTimeOffset(2026, 1, 12, 22, 0, 0, TimeSpan.Zero));
        await CallAsync(home, "number", "set_value", EntityIds.SocTarget, new JsonObject { ["value"] = 20 });
        await CallAsync(home, "select", "select_option", EntityIds.WorkMode, new JsonObject { ["option"] = WorkModes.ForceExport });
        var exported = Counter(home, EntityIds.GridExportEnergy);

        await home.AdvanceAsync(TimeSpan.FromHours(3), CancellationToken.None);

        Assert.Equal(20, home.Model.SocPercent, 0.01);
        // 3 kWh above the target, out at 5 kW through sqrt(0.9): 2.85 kWh AC, less what the home used meanwhile.
        var sent = Counter(home, EntityIds.GridExportEnergy) - exported;
        Assert.InRange(sent, 1.0, 2.85);
    }

    [Fact]
    public async Task SelfConsumption_LongDarkWinter_NeverBelowTheInverterReserve()
    {
        await using var home = await TestHomes.StartAsync(new DateTimeOffset(2026, 1, 12, 15, 0, 0, TimeSpan.Zero));

        await home.AdvanceAsync(TimeSpan.FromHours(30), CancellationToken.None);

        Assert.True(home.Model.SocPercent >= HomeSimulation.MinimumSocPercent - 1e-9, $"SoC {home.Model.SocPercent}");
        Assert.Equal(HomeSimulation.MinimumSocPercent, home.Model.SocPercent, 0.5);
    }

    [Fact]
    public async Task Hold_AnyLoad_BatteryIdle()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning);
        await CallAsync(home, "select", "select_option", EntityIds.WorkMode, new JsonObject { ["option"] = WorkModes.Hold });
        var soc = home.Model.SocPercent;

        await home.AdvanceAsync(TimeSpan.FromHours(6), CancellationToken.None);

        Assert.Equal(soc, home.Model.SocPercent, 9);
    }

    [Fact]
    public async Task WaterHeater_OnForAnHour_ThreeKwhOnItsCounterAndInTheLoad()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.WinterNoon);
        await CallAsync(home, "switch", "turn_on", EntityIds.WaterHeater, []);
        var water = Counter(home, EntityIds.WaterHeaterEnergy);

        await home.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(3.0, Counter(home, EntityIds.WaterHeaterEnergy) - water, 0.001);
        Assert.Equal("3000", home.States.Get(EntityIds.WaterHeaterPower)!.State);
        Assert.True(double.Parse(home.States.Get(EntityIds.LoadPower)!.State, System.Globalization.CultureInfo.InvariantCulture) >= 3000);
    }

    [Fact]
    public async Task Vacation_On_LoadDropsToItsShare()
    {
        await using var normal = await TestHomes.StartAsync(TestHomes.WinterNoon);
        await using var away = await TestHomes.StartAsync(TestHomes.WinterNoon);
        await CallAsync(away, "input_boolean", "turn_on", EntityIds.VacationMode, []);
        var normalStart = Counters(normal);
        var awayStart = Counters(away);

        // Into the evening, when the car comes home on some days.
        await normal.AdvanceAsync(TimeSpan.FromHours(12), CancellationToken.None);
        await away.AdvanceAsync(TimeSpan.FromHours(12), CancellationToken.None);

        double Delta(SimulatedHome home, Dictionary<string, double> start, string id) => Counter(home, id) - start[id];
        Assert.Equal("on", away.States.Get(EntityIds.VacationMode)!.State);
        // The car is away with its owners; the rest of the home runs at its vacation share.
        var normalWithoutCar = Delta(normal, normalStart, EntityIds.LoadEnergy) - Delta(normal, normalStart, EntityIds.EvChargerEnergy);
        Assert.Equal(HomeSimulation.VacationLoadFactor, Delta(away, awayStart, EntityIds.LoadEnergy) / normalWithoutCar, 0.01);
        Assert.Equal(0, Delta(away, awayStart, EntityIds.EvChargerEnergy), 3);
        Assert.Equal(
            HomeSimulation.VacationLoadFactor,
            Delta(away, awayStart, EntityIds.HeatPumpEnergy) / Delta(normal, normalStart, EntityIds.HeatPumpEnergy),
            0.01);
    }

    [Fact]
    public async Task SubMeters_TwoWinterDays_CountWhatTheSourceDrewInsideTheLoad()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.WinterNoon);
        var before = Counters(home);
        var source = new SyntheticSource(7);
        double heatPump = 0, car = 0, load = 0;
        for (var minute = 0; minute < 48 * 60; minute++)
        {
            var sample = source.Sample(TestHomes.WinterNoon.AddMinutes(minute), TimeSpan.FromMinutes(1));
            heatPump += sample.HeatPumpKw / 60;
            car += sample.EvChargerKw / 60;
            load += sample.LoadKw / 60;
        }

        await home.AdvanceAsync(TimeSpan.FromHours(48), CancellationToken.None);

        double Delta(string id) => Counter(home, id) - before[id];
        Assert.Equal(heatPump, Delta(EntityIds.HeatPumpEnergy), 0.01);
        Assert.Equal(car, Delta(EntityIds.EvChargerEnergy), 0.01);
        Assert.Equal(load, Delta(EntityIds.LoadEnergy), 0.01);
        Assert.True(heatPump > 10, $"two January days in Stockholm: the heat pump drew {heatPump:F1} kWh");
        Assert.True(Delta(EntityIds.HeatPumpEnergy) + Delta(EntityIds.EvChargerEnergy) < Delta(EntityIds.LoadEnergy));
    }

    [Fact]
    public async Task Counters_StateText_RoundedToThreeDecimalsAndEventsOnlyOnChange()
    {
        await using var home = await TestHomes.StartAsync(new DateTimeOffset(2026, 1, 12, 22, 0, 0, TimeSpan.Zero));
        var changes = new List<StateChangedEvent>();
        using var listening = home.States.Listen(changes.Add);

        await home.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);

        var pv = changes.Where(c => c.EntityId == EntityIds.PvEnergy).ToList();
        Assert.Empty(pv);
        var load = changes.Where(c => c.EntityId == EntityIds.LoadEnergy).ToList();
        Assert.InRange(load.Count, 10, 60);
        Assert.All(load, c => Assert.NotEqual(c.OldState!.State, c.NewState.State));
        Assert.All(load, c => Assert.True(c.NewState.State.Split('.').ElementAtOrDefault(1)?.Length is null or <= 3, c.NewState.State));
    }

    private static async Task CallAsync(SimulatedHome home, string domain, string service, string entityId, JsonObject data)
    {
        await Task.Yield();
        home.Model.CallService(domain, service, data, new JsonObject { ["entity_id"] = entityId }, returnResponse: false, home.Clock.GetUtcNow(), userId: null);
    }

    private static double Counter(SimulatedHome home, string entityId) =>
        home.States.Get(entityId)!.NumericState!.Value;

    private static Dictionary<string, double> Counters(SimulatedHome home) =>
        EntityIds.EnergyCounters.ToDictionary(id => id, id => Counter(home, id));
}
