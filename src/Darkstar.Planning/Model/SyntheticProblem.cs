using Darkstar.Core.Time;

namespace Darkstar.Planning.Model;

/// <summary>
/// A reproducible planning problem for timing the solver: a day-shaped load with evening peak, a PV bell,
/// prices with a morning and an evening peak and noise, a 10 kWh battery and a water heater.
/// </summary>
public static class SyntheticProblem
{
    public static PlanningProblem Create(int slotCount, int seed, bool withWaterHeating = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotCount);
        var random = new Random(seed);
        var start = SlotGrid.StartOfLocalDay(new DateOnly(2026, 6, 1), TimeZoneInfo.Utc);
        var slots = new SlotRange(SlotGrid.IndexOf(start), slotCount);
        var load = new double[slotCount];
        var pv = new double[slotCount];
        var import = new double[slotCount];
        var export = new double[slotCount];
        for (var t = 0; t < slotCount; t++)
        {
            var hour = (t % SlotGrid.SlotsPerUtcDay) / (double)SlotGrid.SlotsPerHour;
            var evening = Math.Exp(-Math.Pow((hour - 19) / 2.5, 2));
            var morning = Math.Exp(-Math.Pow((hour - 7.5) / 1.5, 2));
            load[t] = 0.08 + (0.25 * evening) + (0.15 * morning) + (0.05 * random.NextDouble());
            pv[t] = Math.Max(0, 1.6 * Math.Exp(-Math.Pow((hour - 13) / 3.2, 2)) * (0.6 + (0.4 * random.NextDouble())));
            var spot = 0.06 + (0.10 * evening) + (0.06 * morning) - (0.05 * Math.Exp(-Math.Pow((hour - 13) / 2, 2)))
                + (0.02 * (random.NextDouble() - 0.5));
            import[t] = (spot + 0.05 + 0.04) * 1.25;
            export[t] = spot;
        }

        return new PlanningProblem
        {
            Slots = slots,
            LoadKwh = load,
            PvKwh = pv,
            ImportPrice = import,
            ExportPrice = export,
            InitialSocPercent = 30,
            Battery = new BatterySpec(10, 10, 100, 5, 5, 0.9, 0.01),
            Grid = new GridSpec(11, 11, true),
            Water = withWaterHeating ? new WaterHeatingSpec(true, 3, 6, 2, 8) : WaterHeatingSpec.Disabled,
            TimeZone = TimeZoneInfo.Utc,
        };
    }

    public const int MaxFlexibleLoads = 4;

    /// <summary>
    /// <paramref name="problem"/> with a car to charge by 07:00 after its first night (60 kWh, 30 % to 80 %, 1.4–11 kW)
    /// and up to four flexible loads: a dishwasher, a pool pump, a dryer and a second heater.
    /// </summary>
    public static PlanningProblem WithDeferrableLoads(PlanningProblem problem, bool car, int flexibleLoads)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(flexibleLoads, MaxFlexibleLoads);
        FlexibleLoadSpec[] loads =
        [
            new("dishwasher", 2, 1.5, new TimeOnly(10, 0), new TimeOnly(22, 0), 3, 1, 0),
            new("pool_pump", 1, 4, new TimeOnly(8, 0), new TimeOnly(20, 0), 4, 3, 8),
            new("dryer", 2.5, 2.5, new TimeOnly(9, 0), new TimeOnly(21, 0), 4, 1, 0),
            new("floor_heating", 1.5, 6, new TimeOnly(22, 0), new TimeOnly(22, 0), 4, 4, 8),
        ];
        var departure = SlotGrid.StartOfLocalDay(SlotGrid.LocalDateOf(problem.Slots.Start, problem.TimeZone).AddDays(1), problem.TimeZone).AddHours(7);
        return problem with
        {
            Car = car ? new CarChargingSpec(60, 30, 80, departure, 1.4, 11, Modulating: true) : null,
            FlexibleLoads = loads[..flexibleLoads],
        };
    }
}
