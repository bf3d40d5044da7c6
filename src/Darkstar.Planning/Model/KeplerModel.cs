using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Model;

/// <summary>
/// The Kepler MILP (DESIGN.md, "The planner model"). Per slot t, in kWh: import, export, charge, discharge,
/// soc (end of slot), curtail, water_on and water_start, and the slacks shed and soc_below_min.
/// <code>
/// balance   load + water + charge + export = pv − curtail + discharge + import + shed
/// battery   soc[t] = soc[t−1] + η_c·charge − discharge/η_d,   soc + soc_below_min ≥ min,  soc ≤ max
/// objective Σ import·p_imp − export·p_exp + (charge + discharge)·cycle_cost + penalties − terminal·soc[T−1]
/// </code>
/// </summary>
public static class KeplerModel
{
    private const double Epsilon = 1e-7;

    /// <summary>
    /// CBC settings measured on the 192-slot model with water heating: its LP relaxation is tight and its
    /// binaries few, so CBC's preprocessing, primal heuristics and strong branching cost more time than they save.
    /// </summary>
    public static SolverSettings DefaultSettings { get; } = new()
    {
        TimeLimitSeconds = 10,
        RelativeGap = 1e-4,
        CbcParameters = [new("preprocess", "off"), new("heuristics", "off"), new("strong", "0")],
    };

    /// <summary>
    /// CBC settings for a model with the car or flexible loads: their runs and the water heater's blocks compete for the
    /// same cheap slots, and although the relaxation stays within a few hundredths of a percent of the optimum, closing
    /// the last 0.01 % takes CBC hundreds of nodes. A gap of 0.1 % of the plan's cost (a few cents over two days) and two
    /// rounds of root cuts instead of ten (the later rounds tighten nothing) solve it in a fifth of the time. Now and then
    /// (one synthetic problem in fifty) the bound does not move for thousands of nodes while a solution within 0.2 % is
    /// long found: after 2 s CBC stops and that solution is the plan (feasible at the limit), not 10 s later.
    /// </summary>
    public static SolverSettings DeferrableLoadSettings { get; } = DefaultSettings with
    {
        TimeLimitSeconds = 2,
        RelativeGap = 1e-3,
        CbcParameters = [.. DefaultSettings.CbcParameters, new("passCuts", "2")],
    };

    /// <summary>The settings a problem solves with: <see cref="DeferrableLoadSettings"/> with a car or flexible loads, else the default.</summary>
    public static SolverSettings SettingsFor(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.CarStays.Count == 0 && problem.FlexibleLoads.Count == 0 ? DefaultSettings : DeferrableLoadSettings;
    }

    /// <summary>Builds and solves the model; a failed solve gives the self-consumption rule, flagged as fallback.</summary>
    public static Schedule Solve(PlanningProblem problem, SolverSettings? settings = null) =>
        Solve(problem, settings ?? SettingsFor(problem), CbcSolver.Solve);

    /// <summary>
    /// As <see cref="Solve(PlanningProblem, SolverSettings?)"/>, with the solver given (tests hand in one that fails).
    /// A solver that throws (CBC's native library missing or crashed) is a failed solve too: the fallback, not an exception.
    /// </summary>
    public static Schedule Solve(PlanningProblem problem, SolverSettings settings, Func<LinearModel, SolverSettings, SolveResult> solve)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(solve);
        var built = Build(problem);
        SolveResult result;
        try
        {
            result = solve(built.Model, settings);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result = new SolveResult { Status = SolveStatus.Error, Objective = double.NaN, Values = [], SolveMs = 0, Detail = $"the solver failed: {e.Message}" };
        }

        if (!result.HasSolution)
        {
            var fallback = Baselines.SelfConsumption(problem);
            return fallback with
            {
                SolverStatus = result.Status,
                Fallback = true,
                SolveMs = result.SolveMs,
                Detail = $"solver gave no solution ({result.Detail}); the self-consumption rule planned instead",
            };
        }

        return built.Extract(result);
    }

    /// <summary>The terminal value the model uses when the problem does not set one: a kWh left in the battery
    /// will replace an import later, after the discharge loss and the cycle cost, valued at the horizon's cheapest
    /// import price (as Predbat values what is left in the battery).</summary>
    public static double DefaultTerminalValue(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Slots.Count == 0)
        {
            return 0;
        }

        // The cheapest import of the horizon: a kWh left at the end is worth no more than it costs to buy it back
        // then, so the plan never buys energy only to hold it past the horizon (a price forecast error and a
        // re-plan later would strand it), and it keeps no more than it needs for the slots it sees.
        var cheapest = problem.ImportPrice.Min();
        return Math.Max(0, (cheapest * problem.Battery.DischargeEfficiency) - problem.Battery.CycleCostPerKwh);
    }

    internal static BuiltModel Build(PlanningProblem problem)
    {
        problem.Validate();
        var model = new LinearModel();
        var battery = problem.Battery;
        var grid = problem.Grid;
        var water = problem.Water;
        var count = problem.Slots.Count;
        var initialKwh = battery.ToKwh(problem.InitialSocPercent);
        var socUpper = Math.Max(battery.MaxKwh, initialKwh);
        var hasWater = water.Enabled && water.KwhPerSlot > 0;
        var v = new SlotVariables(count, hasWater);
        // A block started shortly before the horizon (today's observations) keeps its spacing: no start in the
        // horizon's first slots. A block still running may go on, as that is no new start.
        var startsBlocked = hasWater ? problem.WaterToday.SlotsBlockedBySpacing(problem.Slots, water.MinSpacingSlots) : 0;
        var objective = new LinearExpression();
        var forcedShortfall = new Dictionary<int, List<Variable>>();
        var deferrable = DeferrableLoadModel.Create(problem, model);

        for (var t = 0; t < count; t++)
        {
            var forced = problem.Forced.GetValueOrDefault(problem.Slots[t]);
            var load = Math.Max(0, problem.LoadKwh[t]);
            var pv = Math.Max(0, problem.PvKwh[t]);
            var pImport = problem.ImportPrice[t];
            var pExport = problem.ExportPrice[t];
            v.Import[t] = model.Continuous($"import[{t}]", 0, grid.MaxImportKwhPerSlot);
            v.Export[t] = model.Continuous($"export[{t}]", 0, grid.MaxExportKwhPerSlot);
            v.Charge[t] = model.Continuous($"charge[{t}]", 0, battery.MaxChargeKwhPerSlot);
            v.Discharge[t] = model.Continuous($"discharge[{t}]", 0, battery.MaxDischargeKwhPerSlot);
            v.Soc[t] = model.Continuous($"soc[{t}]", 0, socUpper);
            v.SocBelowMin[t] = model.Continuous($"soc_below_min[{t}]", 0, battery.MinKwh);
            v.Curtail[t] = model.Continuous($"curtail[{t}]", 0, pv);
            v.Shed[t] = model.Continuous($"shed[{t}]", 0, load + (hasWater ? water.KwhPerSlot : 0));

            // Balance: load + water + charge + export = pv − curtail + discharge + import + shed.
            var balance = new LinearExpression()
                .Add(v.Charge[t]).Add(v.Export[t])
                .Add(v.Curtail[t]).Add(v.Discharge[t], -1).Add(v.Import[t], -1).Add(v.Shed[t], -1);
            if (hasWater)
            {
                v.WaterOn[t] = model.Binary($"water_on[{t}]");
                // water_start is integral whenever water_on is (it is forced to 1 exactly where a block begins
                // and to 0 by its cost elsewhere), so it stays continuous: half the binaries, the same optimum.
                // A manual block may switch the heater on whatever the spacing says: it starts no block the limits count.
                v.WaterStart[t] = model.Continuous($"water_start[{t}]", 0, t < startsBlocked && forced?.WaterOn != true ? 0 : 1);
                balance.Add(v.WaterOn[t], water.KwhPerSlot);
            }

            deferrable.AddToBalance(balance, t);
            model.Equal($"balance[{t}]", balance, pv - load);

            // Battery: soc[t] = soc[t−1] + η_c·charge − discharge/η_d.
            var dynamics = new LinearExpression().Add(v.Soc[t])
                .Add(v.Charge[t], -battery.ChargeEfficiency)
                .Add(v.Discharge[t], 1 / battery.DischargeEfficiency);
            if (t > 0)
            {
                dynamics.Add(v.Soc[t - 1], -1);
            }

            model.Equal($"soc_dynamics[{t}]", dynamics, t == 0 ? initialKwh : 0);
            model.AtLeast($"soc_min[{t}]", new LinearExpression().Add(v.Soc[t]).Add(v.SocBelowMin[t]), battery.MinKwh);

            // Never import and export at once for profit: only where export pays at least what import costs
            // can the two together earn money, so only there does a direction binary forbid it.
            if (pExport >= pImport - Epsilon && grid.MaxExportKwhPerSlot > 0)
            {
                var exporting = model.Binary($"grid_direction[{t}]");
                model.AtMost($"import_direction[{t}]", new LinearExpression().Add(v.Import[t]).Add(exporting, grid.MaxImportKwhPerSlot), grid.MaxImportKwhPerSlot);
                model.AtMost($"export_direction[{t}]", new LinearExpression().Add(v.Export[t]).Add(exporting, -grid.MaxExportKwhPerSlot), 0);
            }

            // Charging and discharging at once burns energy in the losses; that pays only when importing is paid
            // for (a negative import price), so only there does a direction binary forbid it.
            if (pImport < 0 && battery.MaxChargeKwhPerSlot > 0 && battery.MaxDischargeKwhPerSlot > 0)
            {
                var charging = model.Binary($"battery_direction[{t}]");
                model.AtMost($"charge_direction[{t}]", new LinearExpression().Add(v.Charge[t]).Add(charging, -battery.MaxChargeKwhPerSlot), 0);
                model.AtMost($"discharge_direction[{t}]", new LinearExpression().Add(v.Discharge[t]).Add(charging, battery.MaxDischargeKwhPerSlot), battery.MaxDischargeKwhPerSlot);
            }

            if (forced is not null)
            {
                forcedShortfall[t] = AddForced(problem, model, v, objective, forced, t);
            }

            objective.Add(v.Import[t], pImport).Add(v.Export[t], -pExport)
                .Add(v.Charge[t], battery.CycleCostPerKwh).Add(v.Discharge[t], battery.CycleCostPerKwh)
                .Add(v.Shed[t], problem.Penalties.ShedPerKwh)
                .Add(v.SocBelowMin[t], problem.Penalties.SocBelowMinimumPerKwh);
        }

        var waterShortfall = new List<Variable>();
        if (hasWater)
        {
            AddWaterHeating(problem, model, v, objective, waterShortfall);
        }

        deferrable.AddConstraints(model, objective);

        var peak = problem.PeakFee is { } fee ? PeakFeeModel.Add(problem, fee, model, v.Import, objective) : ((LinearExpression, double)?)null;

        var terminal = problem.TerminalValuePerKwh ?? DefaultTerminalValue(problem);
        if (count > 0 && battery.CapacityKwh > 0)
        {
            objective.Add(v.Soc[count - 1], -terminal);
        }

        model.Minimize(objective);
        return new BuiltModel(problem, model, v, waterShortfall, terminal) { Deferrable = deferrable, Peak = peak, ForcedShortfall = forcedShortfall };
    }

    /// <summary>
    /// A manual slot action (<see cref="ForcedSlot"/>): soft lower bounds on export (from the battery), charge, discharge and
    /// the SoC, and no import while the battery can cover the house, each shortfall paid for; hard bounds where they are always
    /// possible (no charge, no discharge, the water heater on). Returns the slot's shortfall variables (kWh).
    /// </summary>
    private static List<Variable> AddForced(PlanningProblem problem, LinearModel model, SlotVariables v, LinearExpression objective, ForcedSlot forced, int t)
    {
        var penaltyPerKwh = problem.Penalties.ForcedShortfallPerKwh;
        var shortfalls = new List<Variable>();
        Variable Shortfall(string name, double most)
        {
            var shortfall = model.Continuous($"{name}[{t}]", 0, Math.Max(0, most));
            objective.Add(shortfall, penaltyPerKwh);
            shortfalls.Add(shortfall);
            return shortfall;
        }

        if (forced.MinExportKwh > 0)
        {
            // Net of import and from the battery: an export the grid met by importing at once is no export at all.
            var shortfall = Shortfall("forced_export_short", forced.MinExportKwh);
            model.AtLeast($"forced_export[{t}]", new LinearExpression().Add(v.Export[t]).Add(v.Import[t], -1).Add(shortfall), forced.MinExportKwh);
            model.AtLeast($"forced_export_discharge[{t}]", new LinearExpression().Add(v.Discharge[t]).Add(shortfall), forced.MinExportKwh);
        }

        if (forced.MinChargeKwh > 0)
        {
            var shortfall = Shortfall("forced_charge_short", forced.MinChargeKwh);
            model.AtLeast($"forced_charge[{t}]", new LinearExpression().Add(v.Charge[t]).Add(shortfall), forced.MinChargeKwh);
        }

        if (forced.MinDischargeKwh > 0)
        {
            var shortfall = Shortfall("forced_discharge_short", forced.MinDischargeKwh);
            model.AtLeast($"forced_discharge[{t}]", new LinearExpression().Add(v.Discharge[t]).Add(shortfall), forced.MinDischargeKwh);
        }

        if (forced.NoImport)
        {
            // Every kWh imported is a kWh the battery did not cover.
            var shortfall = Shortfall("forced_no_import_short", problem.Grid.MaxImportKwhPerSlot);
            model.AtMost($"forced_no_import[{t}]", new LinearExpression().Add(v.Import[t]).Add(shortfall, -1), 0);
        }

        if (forced.MinSocEndPercent is { } target && problem.Battery.CapacityKwh > 0)
        {
            var targetKwh = problem.Battery.ToKwh(target);
            var shortfall = Shortfall("forced_soc_short", targetKwh);
            model.AtLeast($"forced_soc[{t}]", new LinearExpression().Add(v.Soc[t]).Add(shortfall), targetKwh);
        }

        if (forced.NoCharge)
        {
            model.AtMost($"forced_no_charge[{t}]", new LinearExpression().Add(v.Charge[t]), 0);
        }

        if (forced.NoDischarge)
        {
            model.AtMost($"forced_no_discharge[{t}]", new LinearExpression().Add(v.Discharge[t]), 0);
        }

        if (forced.WaterOn && v.WaterOn.Length > 0)
        {
            model.AtLeast($"forced_water[{t}]", new LinearExpression().Add(v.WaterOn[t]), 1);
        }

        return shortfalls;
    }

    private static void AddWaterHeating(PlanningProblem problem, LinearModel model, SlotVariables v, LinearExpression objective, List<Variable> shortfalls)
    {
        var water = problem.Water;
        var count = problem.Slots.Count;
        for (var t = 0; t < count; t++)
        {
            // water_start[t] ≥ water_on[t] − water_on[t−1]; a start is a switch-on, never more.
            var start = new LinearExpression().Add(v.WaterStart[t]).Add(v.WaterOn[t], -1);
            var previouslyOn = 0.0;
            if (t > 0)
            {
                start.Add(v.WaterOn[t - 1]);
            }
            else if (problem.WaterToday.OnInPreviousSlot)
            {
                previouslyOn = 1;
            }

            model.AtLeast($"water_start_def[{t}]", start, -previouslyOn);
            model.AtMost($"water_start_on[{t}]", new LinearExpression().Add(v.WaterStart[t]).Add(v.WaterOn[t], -1), 0);
            // A tiny cost keeps water_start at 0 where no block begins.
            objective.Add(v.WaterStart[t], 1e-6);

            // Minimum spacing between starts: at most one start in any window of that many slots.
            if (water.MinSpacingSlots > 1 && t + 1 < count)
            {
                var window = new LinearExpression();
                for (var k = t; k < Math.Min(count, t + water.MinSpacingSlots); k++)
                {
                    if (!IsForcedWater(problem, k))
                    {
                        window.Add(v.WaterStart[k]);
                    }
                }

                model.AtMost($"water_spacing[{t}]", window, 1);
            }
        }

        var firstDay = SlotGrid.LocalDateOf(problem.Slots.Start, problem.TimeZone);
        var lastDay = SlotGrid.LocalDateOf(problem.Slots.End.AddTicks(-1), problem.TimeZone);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var range = SlotGrid.LocalDay(day, problem.TimeZone);
            var from = (int)Math.Max(0, range.FirstIndex - problem.Slots.FirstIndex);
            var to = (int)Math.Min(count, range.EndIndex - problem.Slots.FirstIndex);
            if (to <= from)
            {
                continue;
            }

            var isToday = day == firstDay;
            // A manual block's start is the user's, not one the daily limit counts (which could then not be met at all).
            var starts = new LinearExpression();
            for (var t = from; t < to; t++)
            {
                if (!IsForcedWater(problem, t))
                {
                    starts.Add(v.WaterStart[t]);
                }
            }

            var startsLeft = Math.Max(0, water.MaxBlocksPerDay - (isToday ? problem.WaterToday.BlocksStarted : 0));
            model.AtMost($"water_blocks[{day:yyyy-MM-dd}]", starts, startsLeft);

            // The daily minimum binds on a day whose end the horizon reaches; a later day is planned when it does.
            var dayEndsInHorizon = range.EndIndex <= problem.Slots.EndIndex;
            var required = Math.Max(0, water.MinKwhPerDay - (isToday ? problem.WaterToday.HeatedKwh : 0));
            if (dayEndsInHorizon && required > 0)
            {
                // Counted in whole slots (the minimum rounded up to the slots it takes): the same integer
                // solutions, a much tighter relaxation for the branch and bound.
                var slotsNeeded = Math.Ceiling((required / water.KwhPerSlot) - 1e-9);
                var shortfall = model.Continuous($"water_shortfall_slots[{day:yyyy-MM-dd}]", 0, slotsNeeded);
                shortfalls.Add(shortfall);
                var onSlots = new LinearExpression();
                for (var t = from; t < to; t++)
                {
                    onSlots.Add(v.WaterOn[t]);
                }

                model.AtLeast($"water_minimum[{day:yyyy-MM-dd}]", onSlots.Add(shortfall), slotsNeeded);
                objective.Add(shortfall, problem.Penalties.WaterShortfallPerKwh * water.KwhPerSlot);
            }
        }
    }

    private static bool IsForcedWater(PlanningProblem problem, int t) => problem.Forced.GetValueOrDefault(problem.Slots[t])?.WaterOn == true;

    internal sealed class SlotVariables(int count, bool hasWater)
    {
        public Variable[] Import { get; } = new Variable[count];

        public Variable[] Export { get; } = new Variable[count];

        public Variable[] Charge { get; } = new Variable[count];

        public Variable[] Discharge { get; } = new Variable[count];

        public Variable[] Soc { get; } = new Variable[count];

        public Variable[] SocBelowMin { get; } = new Variable[count];

        public Variable[] Curtail { get; } = new Variable[count];

        public Variable[] Shed { get; } = new Variable[count];

        public Variable[] WaterOn { get; } = new Variable[hasWater ? count : 0];

        public Variable[] WaterStart { get; } = new Variable[hasWater ? count : 0];
    }

    internal sealed record BuiltModel(PlanningProblem Problem, LinearModel Model, SlotVariables Variables, IReadOnlyList<Variable> WaterShortfall, double TerminalValuePerKwh)
    {
        public DeferrableLoadModel? Deferrable { get; init; }

        /// <summary>With a peak fee: the first period's planned peak (kW) and the floor it started from.</summary>
        public (LinearExpression Expression, double Floor)? Peak { get; init; }

        /// <summary>Per forced slot, the shortfall variables of its manual action (kWh).</summary>
        public IReadOnlyDictionary<int, List<Variable>> ForcedShortfall { get; init; } = new Dictionary<int, List<Variable>>();

        public Schedule Extract(SolveResult result)
        {
            var problem = Problem;
            var v = Variables;
            var hasWater = v.WaterOn.Length > 0;
            var slots = new List<ScheduledSlot>(problem.Slots.Count);
            var penalty = 0.0;
            for (var t = 0; t < problem.Slots.Count; t++)
            {
                var import = Clean(result[v.Import[t]]);
                var export = Clean(result[v.Export[t]]);
                // Within the solver's tolerance both can be a hair above 0: net them, which never costs more.
                var both = Math.Min(import, export);
                import -= both;
                export -= both;
                var charge = Clean(result[v.Charge[t]]);
                var discharge = Clean(result[v.Discharge[t]]);
                var shed = Clean(result[v.Shed[t]]);
                var below = Clean(result[v.SocBelowMin[t]]);
                var waterKwh = hasWater && result[v.WaterOn[t]] > 0.5 ? problem.Water.KwhPerSlot : 0;
                var forcedShort = ForcedShortfall.TryGetValue(t, out var shortfalls) ? shortfalls.Sum(f => Clean(result[f])) : 0;
                penalty += (shed * problem.Penalties.ShedPerKwh) + (below * problem.Penalties.SocBelowMinimumPerKwh) + (forcedShort * problem.Penalties.ForcedShortfallPerKwh);
                var slot = SlotAccounting.Slot(
                    problem, t, import, export, charge, discharge, Clean(result[v.Curtail[t]]), waterKwh, shed, below,
                    problem.Battery.ToPercent(Clean(result[v.Soc[t]])));
                if (Deferrable is { IsEmpty: false } deferrable)
                {
                    var (car, loads) = deferrable.SlotEnergies(result, t);
                    slot = slot with { CarKwh = car, FlexibleLoadKwh = loads };
                }

                slots.Add(SlotAccounting.WithBlock(slot, problem, forcedShort));
            }

            var waterShortfall = WaterShortfall.Sum(s => Clean(result[s])) * problem.Water.KwhPerSlot;
            penalty += waterShortfall * problem.Penalties.WaterShortfallPerKwh;
            var carShortfall = Deferrable?.CarShortfallKwh(result) ?? 0;
            var loadShortfall = Deferrable?.LoadShortfallKwh(result) ?? 0;
            penalty += (carShortfall * problem.Penalties.CarShortfallPerKwh) + (loadShortfall * problem.Penalties.WaterShortfallPerKwh);
            var terminal = slots.Count > 0 ? problem.Battery.ToKwh(slots[^1].SocEndPercent) * TerminalValuePerKwh : 0;
            return new Schedule
            {
                Slots = slots,
                SolverStatus = result.Status,
                Fallback = false,
                SolveMs = result.SolveMs,
                Objective = result.Objective,
                Costs = SlotAccounting.Costs(slots, problem.Battery, penalty, terminal),
                WaterShortfallKwh = waterShortfall,
                CarShortfallKwh = carShortfall,
                FlexibleLoadShortfallKwh = loadShortfall,
                Peak = Peak is var (expression, floor) ? new PlannedPeak(Math.Max(floor, result.Value(expression)), floor) : null,
                Detail = result.Detail,
            };
        }

        private static double Clean(double value) => Math.Abs(value) < 1e-9 ? 0 : value;
    }
}

/// <summary>Cost and action of a slot, the same for the model, the baselines and the closed loop.</summary>
public static class SlotAccounting
{
    private const double Threshold = 1e-4;

    /// <summary>
    /// The slot as the user's manual block shapes it (<see cref="ForcedSlot.Block"/>): the block named, how far the plan falls
    /// short of it, and a hold block's slot a hold whatever the grid does.
    /// </summary>
    public static ScheduledSlot WithBlock(ScheduledSlot slot, PlanningProblem problem, double shortfallKwh)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Forced.GetValueOrDefault(slot.Start)?.Block is not { } block)
        {
            return slot;
        }

        return slot with
        {
            ManualBlock = block,
            BlockShortfallKwh = shortfallKwh,
            Action = block == BlockAction.Hold && problem.Battery.CapacityKwh > 0 ? PlannedAction.Hold : slot.Action,
        };
    }

    public static ScheduledSlot Slot(
        PlanningProblem problem, int t, double import, double export, double charge, double discharge, double curtail,
        double water, double shed, double socBelowMinimum, double socEndPercent)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var pImport = problem.ImportPrice[t];
        var pExport = problem.ExportPrice[t];
        return new ScheduledSlot
        {
            Start = problem.Slots[t],
            ImportKwh = import,
            ExportKwh = export,
            ChargeKwh = charge,
            DischargeKwh = discharge,
            CurtailKwh = curtail,
            WaterKwh = water,
            ShedKwh = shed,
            SocBelowMinimumKwh = socBelowMinimum,
            SocEndPercent = socEndPercent,
            ImportPrice = pImport,
            ExportPrice = pExport,
            Cost = (import * pImport) - (export * pExport) + ((charge + discharge) * problem.Battery.CycleCostPerKwh),
            Action = ActionOf(import, export, charge, discharge, socEndPercent, problem.Battery),
        };
    }

    /// <summary>
    /// charge: the battery charges; export: it discharges into the grid; discharge: it covers the load;
    /// hold: it keeps its energy while the home imports (saving it for a dearer slot); idle: nothing to do.
    /// </summary>
    public static PlannedAction ActionOf(double import, double export, double charge, double discharge, double socEndPercent, BatterySpec battery)
    {
        ArgumentNullException.ThrowIfNull(battery);
        if (charge > Threshold && charge >= discharge)
        {
            return PlannedAction.Charge;
        }

        if (discharge > Threshold)
        {
            return export > Threshold ? PlannedAction.Export : PlannedAction.Discharge;
        }

        return import > Threshold && battery.CapacityKwh > 0 && socEndPercent > battery.MinSocPercent + 0.5
            ? PlannedAction.Hold
            : PlannedAction.Idle;
    }

    public static CostBreakdown Costs(IReadOnlyList<ScheduledSlot> slots, BatterySpec battery, double penalty, double terminalValue)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(battery);
        return new CostBreakdown(
            slots.Sum(s => s.ImportKwh * s.ImportPrice),
            slots.Sum(s => s.ExportKwh * s.ExportPrice),
            slots.Sum(s => (s.ChargeKwh + s.DischargeKwh) * battery.CycleCostPerKwh),
            penalty,
            terminalValue);
    }
}
