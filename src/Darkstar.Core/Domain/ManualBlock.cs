using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Core.Domain;

/// <summary>What a user's manual block forces for its slots.</summary>
public enum BlockAction
{
    /// <summary>The battery charges (from the grid if need be), to a target SoC, at a power, or by an amount; it does not discharge.</summary>
    Charge,

    /// <summary>The battery covers the house (no import while it can), or discharges an amount or at a power; it does not charge.</summary>
    Discharge,

    /// <summary>The battery discharges into the grid, an amount or at a power (else as fast as it and the grid allow).</summary>
    Export,

    /// <summary>The battery keeps its energy: neither charges nor discharges.</summary>
    Hold,

    /// <summary>The water heater runs in every slot of the block.</summary>
    WaterHeater,
}

/// <summary>The words of <see cref="BlockAction"/> in the API, MQTT and the database.</summary>
public static class BlockActionText
{
    public static IReadOnlyList<string> All { get; } = ["charge", "discharge", "export", "hold", "water_heater"];

    public static string Of(BlockAction action) => All[(int)action];

    public static bool TryParse(string? text, out BlockAction action)
    {
        var index = text is null ? -1 : All.ToList().IndexOf(text.Trim().ToLowerInvariant());
        action = index < 0 ? default : (BlockAction)index;
        return index >= 0;
    }

    /// <summary>True for the actions that drive the battery; two of them may not overlap.</summary>
    public static bool DrivesBattery(this BlockAction action) => action != BlockAction.WaterHeater;
}

/// <summary>
/// A user's manual block: an action forced for the slots from <see cref="Start"/> to <see cref="End"/> (both on the slot
/// grid). The planner plans the rest around it; once <see cref="End"/> is past it constrains nothing and is removed.
/// </summary>
public sealed record ManualBlock
{
    /// <summary>Assigned by the database on insert.</summary>
    public long Id { get; init; }

    public required BlockAction Action { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>The end of the last slot (exclusive).</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>For a charge block: the SoC to reach by the block's end.</summary>
    public double? TargetSocPercent { get; init; }

    /// <summary>For a charge, discharge or export block: the power to run at.</summary>
    public double? PowerKw { get; init; }

    /// <summary>For a charge, discharge or export block: the energy to move over the whole block.</summary>
    public double? EnergyKwh { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public int SlotCount => (int)((End - Start) / SlotGrid.SlotLength);

    public bool Covers(DateTimeOffset slotStart) => slotStart >= Start && slotStart < End;

    public bool Overlaps(ManualBlock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Start < other.End && other.Start < End;
    }

    /// <summary>Two blocks contradict when they overlap and drive the same thing (the battery, or the water heater).</summary>
    public bool Contradicts(ManualBlock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Overlaps(other) && Action.DrivesBattery() == other.Action.DrivesBattery();
    }

    /// <summary>How a message names the block: "charge 2026-06-10T12:00:00Z–2026-06-10T14:00:00Z (block 3)".</summary>
    public string Describe() =>
        $"{BlockActionText.Of(Action)} {InstantText.Format(Start)}–{InstantText.Format(End)}{(Id > 0 ? $" (block {Id})" : string.Empty)}";
}

/// <summary>
/// A block as a user asks for it (the API's body, the MQTT command's JSON): the action's word, a start (the current slot
/// when absent) and an end or a number of hours, and the optional target SoC, power or energy.
/// </summary>
public sealed record ManualBlockRequest(
    string? Action,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    double? Hours = null,
    double? TargetSocPercent = null,
    double? PowerKw = null,
    double? EnergyKwh = null);

/// <summary>The rules a new block must meet, each broken one with a message a user can act on.</summary>
public static class ManualBlockRules
{
    /// <summary>How far ahead a block may end: the planner's longest horizon.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromHours(48);

    /// <summary>
    /// The block <paramref name="request"/> asks for, checked against the options and the blocks in force; or why not.
    /// </summary>
    public static ManualBlock? Check(
        ManualBlockRequest request, IReadOnlyList<ManualBlock> existing, DateTimeOffset now, DarkstarOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(options);
        error = Problem(request, existing, now, options, out var block);
        return error is null ? block : null;
    }

    private static string? Problem(ManualBlockRequest request, IReadOnlyList<ManualBlock> existing, DateTimeOffset now, DarkstarOptions options, out ManualBlock? block)
    {
        block = null;
        if (string.IsNullOrWhiteSpace(request.Action))
        {
            return $"action is missing: one of {string.Join(", ", BlockActionText.All)}";
        }

        if (!BlockActionText.TryParse(request.Action, out var action))
        {
            return $"action '{request.Action}' is not one of {string.Join(", ", BlockActionText.All)}";
        }

        var currentSlot = SlotGrid.Floor(now);
        var start = request.Start ?? currentSlot;
        if (!SlotGrid.IsAligned(start))
        {
            return $"start {InstantText.Format(start)} is not on a 15-minute boundary (:00, :15, :30 or :45)";
        }

        DateTimeOffset end;
        if (request.End is { } requestedEnd)
        {
            if (request.Hours is not null)
            {
                return "give end or hours, not both";
            }

            end = requestedEnd;
            if (!SlotGrid.IsAligned(end))
            {
                return $"end {InstantText.Format(end)} is not on a 15-minute boundary (:00, :15, :30 or :45)";
            }
        }
        else if (request.Hours is { } hours)
        {
            if (!double.IsFinite(hours) || hours <= 0 || Math.Abs((hours * 4) - Math.Round(hours * 4)) > 1e-9)
            {
                return Text($"hours must be a positive multiple of 0.25, not {hours}");
            }

            end = start + TimeSpan.FromMinutes(Math.Round(hours * 60));
        }
        else
        {
            return "end or hours is missing: how long the block lasts";
        }

        if (end <= start)
        {
            return $"end {InstantText.Format(end)} must be after start {InstantText.Format(start)}";
        }

        if (start < currentSlot)
        {
            return $"start {InstantText.Format(start)} is in the past: the earliest start is the current slot, {InstantText.Format(currentSlot)}";
        }

        if (end > now + MaxAhead)
        {
            return $"end {InstantText.Format(end)} is more than {MaxAhead.TotalHours:0} hours ahead: a block may end at the latest at {InstantText.Format(SlotGrid.Floor(now + MaxAhead))}";
        }

        var battery = options.Battery;
        if (action.DrivesBattery() && battery.CapacityKwh <= 0)
        {
            return $"a {BlockActionText.Of(action)} block needs a battery (battery.capacity_kwh is 0)";
        }

        if (action == BlockAction.WaterHeater && !options.WaterHeating.Enabled)
        {
            return "a water_heater block needs the water heater planned (water_heating.enabled)";
        }

        if (request.TargetSocPercent is { } target)
        {
            if (action != BlockAction.Charge)
            {
                return $"target_soc_percent is for charge blocks, not {BlockActionText.Of(action)}";
            }

            if (!double.IsFinite(target) || target < battery.MinSocPercent || target > battery.MaxSocPercent)
            {
                return Text($"target_soc_percent {target} is outside the battery's {battery.MinSocPercent}–{battery.MaxSocPercent} % (battery.min_soc_percent, battery.max_soc_percent)");
            }
        }

        if (request.PowerKw is { } power)
        {
            var limit = action == BlockAction.Charge ? battery.MaxChargeKw : battery.MaxDischargeKw;
            if (action is BlockAction.Hold or BlockAction.WaterHeater)
            {
                return $"power_kw is for charge, discharge and export blocks, not {BlockActionText.Of(action)}";
            }

            if (!double.IsFinite(power) || power <= 0 || power > limit)
            {
                return Text($"power_kw {power} is outside 0–{limit} kW ({(action == BlockAction.Charge ? "battery.max_charge_kw" : "battery.max_discharge_kw")})");
            }
        }

        if (request.EnergyKwh is { } energy)
        {
            if (action is BlockAction.Hold or BlockAction.WaterHeater)
            {
                return $"energy_kwh is for charge, discharge and export blocks, not {BlockActionText.Of(action)}";
            }

            if (!double.IsFinite(energy) || energy <= 0 || energy > battery.CapacityKwh)
            {
                return Text($"energy_kwh {energy} is outside 0–{battery.CapacityKwh} kWh (battery.capacity_kwh)");
            }
        }

        if ((request.TargetSocPercent is not null ? 1 : 0) + (request.PowerKw is not null ? 1 : 0) + (request.EnergyKwh is not null ? 1 : 0) > 1)
        {
            return "give at most one of target_soc_percent, power_kw and energy_kwh";
        }

        var candidate = new ManualBlock
        {
            Action = action,
            Start = start,
            End = end,
            TargetSocPercent = request.TargetSocPercent,
            PowerKw = request.PowerKw,
            EnergyKwh = request.EnergyKwh,
            CreatedAt = InstantText.Truncate(now),
        };
        if (existing.FirstOrDefault(candidate.Contradicts) is { } clash)
        {
            return $"the block overlaps {clash.Describe()}: delete that one first, or choose other times";
        }

        block = candidate;
        return null;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
