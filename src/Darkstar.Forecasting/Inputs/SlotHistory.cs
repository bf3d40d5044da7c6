using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Forecasting.Inputs;

/// <summary>
/// Everything Aurora reads, as arrays over one contiguous run of slots: measured load and PV (NaN where unknown or
/// spread across a gap, so never a made-up value), whether a slot may be a training target, and the weather for
/// each slot as it was known (observed for the past, the latest forecast for the future).
/// </summary>
public sealed class SlotHistory
{
    public SlotHistory(HomeSite site, SlotRange range)
    {
        ArgumentNullException.ThrowIfNull(site);
        Site = site;
        Range = range;
        Load = Filled(range.Count);
        HouseLoad = Filled(range.Count);
        HeatPump = Filled(range.Count);
        Ev = Filled(range.Count);
        Pv = Filled(range.Count);
        Target = new bool[range.Count];
        Temperature = Filled(range.Count);
        CloudCover = Filled(range.Count);
        Radiation = Filled(range.Count);
    }

    public HomeSite Site { get; }

    public SlotRange Range { get; }

    /// <summary>Measured load in kWh per slot; NaN where unknown or interpolated.</summary>
    public float[] Load { get; }

    /// <summary>
    /// <see cref="Load"/> less what the car's charger and the heat pump metered: the house's own daily rhythm, which the
    /// load references are built from. The same as <see cref="Load"/> in a home without those meters.
    /// </summary>
    public float[] HouseLoad { get; }

    /// <summary>What the heat pump metered in kWh per slot; NaN where unknown or the home has no heat pump meter.</summary>
    public float[] HeatPump { get; }

    /// <summary>What the car's charger metered in kWh per slot; NaN where unknown or the home has no charger meter.</summary>
    public float[] Ev { get; }

    /// <summary>Measured PV in kWh per slot; NaN where unknown or interpolated.</summary>
    public float[] Pv { get; }

    /// <summary>The slot may be learned from and scored: load or PV (or both) measured, not made up across a gap.</summary>
    public bool[] Target { get; }

    public float[] Temperature { get; }

    public float[] CloudCover { get; }

    public float[] Radiation { get; }

    /// <summary>Local days the home was on vacation.</summary>
    public ISet<DateOnly> VacationDays { get; } = new HashSet<DateOnly>();

    /// <summary>Puts a measured load at <paramref name="position"/>, <paramref name="subMetered"/> of it the car's and the heat pump's.</summary>
    public void SetLoad(int position, float load, float subMetered = 0)
    {
        Load[position] = load;
        HouseLoad[position] = Math.Max(0, load - subMetered);
    }

    public int PositionOf(long slotIndex) => (int)(slotIndex - Range.FirstIndex);

    /// <summary>The measured load and PV of a slot; none outside the range.</summary>
    public MeasuredSlot Measured(long slotIndex)
    {
        if (!Contains(slotIndex))
        {
            return MeasuredSlot.Nothing;
        }

        var position = PositionOf(slotIndex);
        return new MeasuredSlot(float.IsNaN(Load[position]) ? null : Load[position], float.IsNaN(Pv[position]) ? null : Pv[position]);
    }

    public bool Contains(long slotIndex) => slotIndex >= Range.FirstIndex && slotIndex < Range.EndIndex;

    private static float[] Filled(int count)
    {
        var array = new float[count];
        Array.Fill(array, float.NaN);
        return array;
    }
}
