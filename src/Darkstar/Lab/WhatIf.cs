using Darkstar.Cli;
using Darkstar.Core.Options;

namespace Darkstar.Lab;

/// <summary>
/// The what-ifs of a replay or a Lab study: options changed as <c>option=value</c>, validated as the options file is. The
/// command line's <c>--set</c> and the web UI's Lab page take the same keys and get the same messages.
/// </summary>
public static class WhatIf
{
    /// <summary>The options a what-if may change: what the closed loop plans, carries out and costs with.</summary>
    public static readonly IReadOnlyList<string> Options =
    [
        "battery.capacity_kwh", "battery.min_soc_percent", "battery.max_soc_percent", "battery.max_charge_kw", "battery.max_discharge_kw",
        "battery.round_trip_efficiency", "battery.cycle_cost_per_kwh", "grid.export_allowed", "grid.max_import_kw", "grid.max_export_kw",
        "s_index.risk_appetite", "pricing.vat_percent", "pricing.transfer_fee_per_kwh", "pricing.energy_tax_per_kwh", "pricing.export_bonus_per_kwh",
        "planner.horizon_hours",
    ];

    /// <summary>
    /// <paramref name="options"/> with <paramref name="changes"/> applied and validated, or null with every problem in
    /// <paramref name="problems"/>, one line each; <paramref name="source"/> names where the changes came from
    /// (<c>--set</c>, <c>set</c>).
    /// </summary>
    public static DarkstarOptions? Apply(DarkstarOptions options, IReadOnlyList<string> changes, string source, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(changes);
        problems = [];
        var unknown = changes.Select(c => c.Split('=', 2)[0].Trim()).Where(p => !Options.Contains(p, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            problems = [$"{source}: {string.Join(", ", unknown)} cannot be changed in a replay; these can: {string.Join(", ", Options)}."];
            return null;
        }

        if (changes.Count == 0)
        {
            return options;
        }

        var result = OptionsLoader.WithChanges(options, changes, source, OptionsContext.Standalone);
        if (result.IsValid && result.Options is not null)
        {
            return result.Options;
        }

        problems = OptionsResolver.ErrorLines(result);
        return null;
    }
}
