using Darkstar.Core.Time;

namespace Darkstar.Planning.Simulation;

/// <summary>
/// One local day of a closed-loop run, costed slot by slot (import cost − export revenue + wear) for each strategy:
/// no battery, the self-consumption rule, the MPC as carried out, and the Oracle over the whole period. Unlike the
/// period's totals, a day's figures give no credit for the energy the battery gained.
/// </summary>
public sealed record ReplayDay(DateOnly Day, int Slots, double NoBattery, double SelfConsumption, double Mpc, double Oracle)
{
    /// <summary>The days of <paramref name="result"/>'s period in the home's zone, in order.</summary>
    public static IReadOnlyList<ReplayDay> Of(ClosedLoopResult result, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(result);
        var noBattery = result.NoBatterySchedule?.Slots ?? throw new ArgumentException("The result has no schedules.", nameof(result));
        var selfConsumption = result.SelfConsumptionSchedule!.Slots;
        var oracle = result.OracleSchedule!.Slots;
        var days = new List<ReplayDay>();
        for (var i = 0; i < result.MpcSlots.Count; i++)
        {
            var day = SlotGrid.LocalDateOf(result.MpcSlots[i].Start, zone);
            var previous = days.Count > 0 ? days[^1] : null;
            var add = new ReplayDay(day, 1, noBattery[i].Cost, selfConsumption[i].Cost, result.MpcSlots[i].Cost, oracle[i].Cost);
            if (previous is not null && previous.Day == day)
            {
                days[^1] = previous with
                {
                    Slots = previous.Slots + 1,
                    NoBattery = previous.NoBattery + add.NoBattery,
                    SelfConsumption = previous.SelfConsumption + add.SelfConsumption,
                    Mpc = previous.Mpc + add.Mpc,
                    Oracle = previous.Oracle + add.Oracle,
                };
            }
            else
            {
                days.Add(add);
            }
        }

        return days;
    }
}
