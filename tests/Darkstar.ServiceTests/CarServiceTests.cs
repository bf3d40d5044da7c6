using System.Globalization;
using Darkstar.Core.Car;
using Darkstar.Core.Time;
using Darkstar.Simulation.Home;
using Xunit.Abstractions;

namespace Darkstar.ServiceTests;

/// <summary>The car end to end: the service reads the simulated car, plans its charging and switches its charger.</summary>
[Collection(ServiceTestGroup.Name)]
public sealed class CarServiceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Three simulated days of the simulated home's car (home 17:30–07:00, 6–14 kWh driven a day, a 3.7 kW charger):
    /// at every departure its SoC is at its target (each day's target is within what a night can charge).
    /// </summary>
    [Fact]
    public async Task SimulatedCar_ThreeDays_AtItsTargetByEveryDeparture()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        var car = rig.Options.Car;
        Assert.True(car.Enabled, "serve --simulate's options enable the simulated car");
        var zone = TimeZones.Find(rig.Options.Location.TimeZone!);
        var firstDay = SlotGrid.LocalDateOf(service.Started, zone).AddDays(1);
        var atDeparture = new List<(DateOnly Day, double SocPercent)>();
        for (var day = firstDay; day < firstDay.AddDays(3); day = day.AddDays(1))
        {
            var departure = LocalTime.ToInstant(day, car.DepartureTime, zone);
            // The minute before the departure has run: the car has charged until it leaves.
            await service.RunUntilAsync(departure, limit.Token);
            var (soc, home) = service.Home.Model.Car;
            Assert.True(home, $"the car is home before its departure on {day}");
            atDeparture.Add((day, soc));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd} 07:00 departure: car SoC {soc:0.0} % (target {car.TargetSocPercent:0} %)"));
        }

        var status = service.Get<CarStatusBoard>().Current;
        output.WriteLine($"car status: {CarPlanStatus.Text(status.State)}: {status.Reason}");
        var charger = service.CommandsReceived().Where(c => c.EntityIds.Contains(EntityIds.CarCharger) || c.EntityIds.Contains(EntityIds.CarChargingCurrent)).ToList();
        output.WriteLine($"charger commands: {charger.Count}");
        var summary = await service.StopAsync(limit.Token);

        Assert.Equal(0, summary.Errors);
        Assert.All(atDeparture, d => Assert.True(d.SocPercent >= car.TargetSocPercent - 0.5,
            string.Create(CultureInfo.InvariantCulture, $"{d.Day}: the car left at {d.SocPercent:0.0} %, below its target {car.TargetSocPercent} %")));
        // Charged in slots, and calmly: each of the charger's entities changes at most once a slot after its first
        // minutes (where the slot's own plan may still arrive).
        Assert.NotEmpty(charger);
        var repeated = charger.Where(c => c.At - SlotGrid.Floor(c.At) >= TimeSpan.FromMinutes(2))
            .GroupBy(c => (string.Join(",", c.EntityIds), SlotGrid.Floor(c.At))).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"commanded more than once in a slot: {string.Join("; ", repeated)}");
    }
}
