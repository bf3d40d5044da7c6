using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Planning.Model;

/// <summary>A user's manual blocks as the forced slot actions (<see cref="ForcedSlot"/>) the model takes as constraints.</summary>
public static class ManualBlockSlots
{
    /// <summary>
    /// Per slot of <paramref name="horizon"/> that a block covers, its action: charge (no discharge; at the power, or the
    /// block's energy spread over its slots, or to the target SoC, else to the maximum SoC, by the block's end), discharge (no
    /// charge; at the power or the energy, else no import while the battery can cover the house), export (no charge; at the
    /// power or the energy, else as fast as the battery and the grid allow), hold (neither charge nor discharge), water heater
    /// on. A water heater block and a battery block on the same slot both hold; the battery's names the slot.
    /// </summary>
    public static IReadOnlyDictionary<DateTimeOffset, ForcedSlot> Of(IEnumerable<ManualBlock> blocks, SlotRange horizon, BatterySpec battery, GridSpec grid)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(battery);
        ArgumentNullException.ThrowIfNull(grid);
        var forced = new Dictionary<DateTimeOffset, ForcedSlot>();
        foreach (var block in blocks.OrderBy(b => b.Action.DrivesBattery()))
        {
            var slots = Math.Max(1, block.SlotCount);
            var perSlot = block.PowerKw is { } power ? power * BatterySpec.SlotHours : block.EnergyKwh is { } energy ? energy / slots : (double?)null;
            var lastSlot = block.End - SlotGrid.SlotLength;
            foreach (var start in horizon.Where(block.Covers))
            {
                var slot = block.Action switch
                {
                    BlockAction.Charge => new ForcedSlot(MinChargeKwh: Math.Min(perSlot ?? 0, battery.MaxChargeKwhPerSlot))
                    {
                        NoDischarge = true,
                        MinSocEndPercent = start == lastSlot && perSlot is null ? block.TargetSocPercent ?? battery.MaxSocPercent : null,
                    },
                    BlockAction.Discharge => new ForcedSlot
                    {
                        MinDischargeKwh = Math.Min(perSlot ?? 0, battery.MaxDischargeKwhPerSlot),
                        NoCharge = true,
                        NoImport = perSlot is null,
                    },
                    BlockAction.Export => new ForcedSlot(MinExportKwh: Math.Min(perSlot ?? double.MaxValue, Math.Min(battery.MaxDischargeKwhPerSlot, grid.MaxExportKwhPerSlot)))
                    {
                        NoCharge = true,
                    },
                    BlockAction.Hold => new ForcedSlot { NoCharge = true, NoDischarge = true },
                    _ => new ForcedSlot { WaterOn = true },
                };
                forced[start] = forced.TryGetValue(start, out var water)
                    ? slot with { WaterOn = slot.WaterOn || water.WaterOn, Block = block.Action }
                    : slot with { Block = block.Action };
            }
        }

        return forced;
    }
}
