using Darkstar.Core.Time;

namespace Darkstar.Planning.Antares;

/// <summary>
/// The state vector Antares sees at the start of a slot, in a fixed order (docs/antares.md gives each entry's unit). Built
/// only from what was known then: the prices published day-ahead, the baseline forecast issued at the day's start, the
/// slot before as measured and the battery's SoC.
/// </summary>
public static class AntaresState
{
    private const int FourHours = 16;
    private const int Day = 96;
    private const int EightHours = 32;

    /// <summary>The entries' names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "time_of_day_sin", "time_of_day_cos", "day_of_week_sin", "day_of_week_cos",
        "import_price", "export_price", "import_price_next_4h_mean", "import_price_ahead_mean", "import_price_ahead_min", "import_price_ahead_max",
        "import_price_rank_ahead", "export_price_ahead_max", "soc_fraction", "soc_kwh_above_min",
        "load_forecast_kwh", "pv_forecast_kwh", "load_forecast_next_4h_kwh", "pv_forecast_next_4h_kwh", "net_load_forecast_rest_of_day_kwh",
        "load_previous_slot_kwh", "pv_previous_slot_kwh", "day_fraction_left",
        "hours_to_cheapest_ahead", "hours_to_dearest_ahead", "import_price_rank_next_8h", "hours_of_prices_known",
        "import_price_max_until_cheapest", "deficit_forecast_until_cheapest_kwh", "deficit_forecast_rest_of_day_kwh", "surplus_forecast_rest_of_day_kwh",
    ];

    public static int Size => Names.Count;

    /// <summary>The state at slot <paramref name="t"/> of <paramref name="day"/> with <paramref name="socKwh"/> in the battery.</summary>
    public static double[] Of(AntaresDay day, int t, double socKwh)
    {
        var state = new double[Size];
        Fill(state, day, t, socKwh);
        return state;
    }

    public static void Fill(Span<double> state, AntaresDay day, int t, double socKwh)
    {
        ArgumentNullException.ThrowIfNull(day);
        var battery = day.Problem.Battery;
        var local = TimeZoneInfo.ConvertTime(day.Slots[t], day.Zone);
        var minute = (local.Hour * 60) + local.Minute;
        var weekday = ((int)local.DayOfWeek + 6) % 7;
        state[0] = Math.Sin(2 * Math.PI * minute / 1440);
        state[1] = Math.Cos(2 * Math.PI * minute / 1440);
        state[2] = Math.Sin(2 * Math.PI * weekday / 7);
        state[3] = Math.Cos(2 * Math.PI * weekday / 7);
        var import = day.AheadImport;
        var now = import[t];
        state[4] = now;
        state[5] = day.AheadExport[t];
        // The prices known now, at most a day ahead.
        var end = Math.Min(day.KnownEnd[t], t + Day);
        double sum4 = 0, sum = 0, min = double.MaxValue, max = double.MinValue, exportMax = double.MinValue;
        int count4 = 0, cheaper = 0;
        for (var i = t; i < end; i++)
        {
            var p = import[i];
            if (i < t + FourHours)
            {
                sum4 += p;
                count4++;
            }

            sum += p;
            min = Math.Min(min, p);
            max = Math.Max(max, p);
            exportMax = Math.Max(exportMax, day.AheadExport[i]);
            if (p < now)
            {
                cheaper++;
            }
        }

        var count = end - t;
        state[6] = sum4 / count4;
        state[7] = sum / count;
        state[8] = min;
        state[9] = max;
        state[10] = (double)cheaper / count;
        state[11] = exportMax;
        state[12] = battery.CapacityKwh > 0 ? socKwh / battery.CapacityKwh : 0;
        state[13] = Math.Max(0, socKwh - battery.MinKwh);
        state[14] = day.ForecastLoad[t];
        state[15] = day.ForecastPv[t];
        double load4 = 0, pv4 = 0, restNet = 0, restDeficit = 0, restSurplus = 0;
        for (var i = t; i < t + FourHours; i++)
        {
            load4 += day.ForecastLoad[i];
            pv4 += day.ForecastPv[i];
        }

        for (var i = t; i < day.Slots.Count; i++)
        {
            var net = day.ForecastLoad[i] - day.ForecastPv[i];
            restNet += net;
            restDeficit += Math.Max(0, net);
            restSurplus += Math.Max(0, -net);
        }

        state[16] = load4;
        state[17] = pv4;
        state[18] = restNet;
        state[19] = day.PreviousLoad[t];
        state[20] = day.PreviousPv[t];
        state[21] = (double)(day.Slots.Count - t) / day.Slots.Count;

        // Where the slot sits in the price curve known now: when the next cheapest and dearest slots come, and what the
        // home draws (by the forecast) before the cheapest, which the battery covers or the grid does.
        int cheapest = t, dearest = t, cheaper8 = 0, count8 = 0;
        for (var i = t; i < end; i++)
        {
            cheapest = import[i] < import[cheapest] ? i : cheapest;
            dearest = import[i] > import[dearest] ? i : dearest;
            if (i < t + EightHours)
            {
                count8++;
                cheaper8 += import[i] < now ? 1 : 0;
            }
        }

        double maxUntilCheapest = now, deficitUntilCheapest = 0;
        for (var i = t; i <= cheapest; i++)
        {
            maxUntilCheapest = Math.Max(maxUntilCheapest, import[i]);
            deficitUntilCheapest += Math.Max(0, day.ForecastLoad[i] - day.ForecastPv[i]);
        }

        state[22] = (cheapest - t) / (double)SlotGrid.SlotsPerHour;
        state[23] = (dearest - t) / (double)SlotGrid.SlotsPerHour;
        state[24] = (double)cheaper8 / count8;
        state[25] = (day.KnownEnd[t] - t) / (double)SlotGrid.SlotsPerHour;
        state[26] = maxUntilCheapest;
        state[27] = deficitUntilCheapest;
        state[28] = restDeficit;
        state[29] = restSurplus;
    }
}
