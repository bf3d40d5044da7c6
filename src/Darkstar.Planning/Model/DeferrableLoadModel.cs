using Darkstar.Core.Time;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Model;

/// <summary>
/// The car and the flexible loads in the Kepler MILP, kept apart from the battery and grid so that each feature's
/// constraints read on their own. Per slot t, in kWh: car[t] (car_on[t] binary for a charger that can only be switched),
/// and per flexible load l: run[l,s] (binary), a run of the load's run length starting at s inside an allowed window.
/// <code>
/// car       Σ η·car[t] + car_short ≥ needed,   Σ η·car[t] ≤ room,   car[t] = 0 after the departure
/// load      on[l,t] = Σ_{s∈(t−run,t]} run[l,s],   Σ_{window} run + short = runs per day (a window that ends in the horizon),
///           at most one start in any max(spacing, run) slots
/// </code>
/// The car's shortfall costs more than any price and less than shedding the house's load: when the target cannot be
/// reached, every slot before the departure charges flat out; when it can, the cheapest slots (PV surplus first) do.
/// The home battery feeds the car only where that is the cheapest source after its losses and cycle cost.
/// </summary>
internal sealed class DeferrableLoadModel
{
    private readonly PlanningProblem _problem;
    private readonly Variable?[] _car;
    private readonly Variable?[][] _run;
    private readonly int[] _carriedSlots;
    private readonly List<(Variable Runs, double Kwh)> _loadShortfall = [];
    private readonly List<Variable> _carShortfall = [];

    private DeferrableLoadModel(PlanningProblem problem, LinearModel model)
    {
        _problem = problem;
        var count = problem.Slots.Count;
        _car = new Variable?[count];
        // One variable per slot: the car's stays never overlap.
        foreach (var car in problem.CarStays)
        {
            var before = car.SlotsBeforeDeparture(problem.Slots);
            for (var t = car.FirstPluggedInSlot(problem.Slots); t < before && car.RoomKwh > 0 && car.MaxKwhPerSlot > 0; t++)
            {
                _car[t] = model.Continuous($"car[{t}]", 0, car.MaxKwhPerSlot);
            }
        }

        var loads = problem.FlexibleLoads;
        _run = new Variable?[loads.Count][];
        _carriedSlots = new int[loads.Count];
        for (var l = 0; l < loads.Count; l++)
        {
            var load = loads[l];
            _run[l] = new Variable?[count];
            if (load.RunsPerDay == 0)
            {
                continue;
            }

            // A run going on at the horizon's start finishes its length; no new one starts within the spacing.
            var length = load.RunSlots;
            if (load.Today is { OnInPreviousSlot: true, LastStart: { } previousStart })
            {
                var ran = problem.Slots.FirstIndex - SlotGrid.IndexOf(previousStart);
                _carriedSlots[l] = (int)Math.Clamp(length - ran, 0, count);
            }

            var blocked = Math.Max(_carriedSlots[l], load.Today.SlotsBlockedBySpacing(problem.Slots, Spacing(load)));
            foreach (var window in load.Windows(problem.Slots, problem.TimeZone))
            {
                // A run fits inside its window; one cut by the horizon's end is planned in full when the horizon moves on.
                var lastStart = window.EndsInHorizon ? window.To - length : window.To - 1;
                var step = StartStep(load);
                for (var s = Math.Max(window.From, blocked); s <= lastStart; s++)
                {
                    if ((problem.Slots.FirstIndex + s) % step == 0 || s == lastStart)
                    {
                        _run[l][s] = model.Binary($"load_run[{l},{s}]");
                    }
                }
            }
        }
    }

    public bool IsEmpty => _problem.CarStays.Count == 0 && _problem.FlexibleLoads.Count == 0;

    public static DeferrableLoadModel Create(PlanningProblem problem, LinearModel model) => new(problem, model);

    /// <summary>Adds slot <paramref name="t"/>'s car and flexible loads to the load side of its balance.</summary>
    public void AddToBalance(LinearExpression balance, int t)
    {
        if (_car[t] is { } car)
        {
            balance.Add(car);
        }

        for (var l = 0; l < _run.Length; l++)
        {
            var load = _problem.FlexibleLoads[l];
            if (t < _carriedSlots[l])
            {
                balance.AddConstant(load.KwhPerSlot);
            }

            for (var s = Math.Max(0, t - load.RunSlots + 1); s <= t; s++)
            {
                if (_run[l][s] is { } run)
                {
                    balance.Add(run, load.KwhPerSlot);
                }
            }
        }
    }

    public void AddConstraints(LinearModel model, LinearExpression objective)
    {
        var stays = _problem.CarStays;
        for (var c = 0; c < stays.Count; c++)
        {
            AddCar(model, objective, stays[c], c);
        }

        for (var l = 0; l < _run.Length; l++)
        {
            AddFlexibleLoad(model, objective, l);
        }
    }

    private static int Spacing(FlexibleLoadSpec load) => Math.Max(load.MinSpacingSlots, load.RunSlots);

    /// <summary>
    /// A run of an hour or more starts on the half hour (and at the last start its window allows): half the binaries for
    /// a few minutes' shift of a long run, which CBC repays many times over; a shorter run may start at any slot.
    /// </summary>
    private static int StartStep(FlexibleLoadSpec load) => load.RunSlots >= SlotGrid.SlotsPerHour ? 2 : 1;

    private void AddCar(LinearModel model, LinearExpression objective, CarChargingSpec car, int stay)
    {
        var charged = new LinearExpression();
        var before = car.SlotsBeforeDeparture(_problem.Slots);
        for (var t = car.FirstPluggedInSlot(_problem.Slots); t < before; t++)
        {
            if (_car[t] is not { } kwh)
            {
                continue;
            }

            charged.Add(kwh, car.ChargeEfficiency);
            if (!car.Modulating)
            {
                // A charger Darkstar can only switch draws its full power whenever it is on. A modulating one's lowest
                // current is left to the executor (it rounds a smaller plan to that minimum or to off): binaries for it
                // would cost the solve seconds for a fraction of a slot's energy.
                var on = model.Binary($"car_on[{t}]");
                model.Equal($"car_switched[{t}]", new LinearExpression().Add(kwh).Add(on, -car.MaxKwhPerSlot), 0);
            }
        }

        if (charged.Terms.Count == 0)
        {
            return;
        }

        // The car plugged in now keeps the names it always had; a later stay's carry its number.
        var suffix = stay == 0 ? string.Empty : $"[{stay}]";
        model.AtMost($"car_room{suffix}", charged, car.RoomKwh);
        if (car.NeededKwh > 0)
        {
            var shortfall = model.Continuous($"car_shortfall{suffix}", 0, car.NeededKwh);
            _carShortfall.Add(shortfall);
            model.AtLeast($"car_target{suffix}", new LinearExpression().Add(charged).Add(shortfall), car.NeededKwh);
            objective.Add(shortfall, _problem.Penalties.CarShortfallPerKwh);
        }
    }

    private void AddFlexibleLoad(LinearModel model, LinearExpression objective, int l)
    {
        var load = _problem.FlexibleLoads[l];
        var run = _run[l];
        var count = run.Length;
        var spacing = Spacing(load);
        for (var t = 0; t < count && spacing > 1; t++)
        {
            if (run[t] is null)
            {
                continue;
            }

            // At most one start in any `spacing` slots: runs never overlap, and starts keep their distance.
            var starts = new LinearExpression();
            for (var k = t; k < Math.Min(count, t + spacing); k++)
            {
                if (run[k] is { } later)
                {
                    starts.Add(later);
                }
            }

            if (starts.Terms.Count > 1)
            {
                model.AtMost($"load_spacing[{l},{t}]", starts, 1);
            }
        }

        foreach (var window in load.Windows(_problem.Slots, _problem.TimeZone))
        {
            var starts = new LinearExpression();
            for (var s = window.From; s < window.To; s++)
            {
                if (run[s] is { } r)
                {
                    starts.Add(r);
                }
            }

            var runsLeft = Math.Max(0, load.RunsPerDay - (window.BeganBeforeHorizon ? load.Today.BlocksStarted : 0));
            if (starts.Terms.Count > 0)
            {
                model.AtMost($"load_runs[{l},{window.From}]", starts, runsLeft);
            }

            if (window.EndsInHorizon && runsLeft > 0)
            {
                // The daily energy binds on a window whose end the horizon reaches; a shortfall is paid per run missed.
                var shortfall = model.Continuous($"load_shortfall_runs[{l},{window.From}]", 0, runsLeft);
                var runKwh = load.RunSlots * load.KwhPerSlot;
                _loadShortfall.Add((shortfall, runKwh));
                model.AtLeast($"load_energy[{l},{window.From}]", starts.Add(shortfall), runsLeft);
                objective.Add(shortfall, _problem.Penalties.WaterShortfallPerKwh * runKwh);
            }
        }
    }

    /// <summary>Slot <paramref name="t"/>'s car and flexible-load energies from a solution.</summary>
    public (double CarKwh, IReadOnlyList<double> LoadKwh) SlotEnergies(SolveResult result, int t)
    {
        var car = _car[t] is { } c ? Math.Max(0, result[c]) : 0;
        if (car < 1e-6)
        {
            car = 0;
        }

        var loads = new double[_run.Length];
        for (var l = 0; l < _run.Length; l++)
        {
            var load = _problem.FlexibleLoads[l];
            var on = t < _carriedSlots[l] ? 1.0 : 0.0;
            for (var s = Math.Max(0, t - load.RunSlots + 1); s <= t; s++)
            {
                on += _run[l][s] is { } r ? result[r] : 0;
            }

            loads[l] = on > 0.5 ? load.KwhPerSlot : 0;
        }

        return (car, loads);
    }

    /// <summary>How far the car falls short of its target by the departure (summed over its stays), kWh in the car.</summary>
    public double CarShortfallKwh(SolveResult result)
    {
        var kwh = _carShortfall.Sum(s => Math.Max(0, result[s]));
        return kwh > 1e-6 ? kwh : 0;
    }

    /// <summary>The flexible loads' daily energy the plan cannot fit in their windows, kWh.</summary>
    public double LoadShortfallKwh(SolveResult result)
    {
        var kwh = _loadShortfall.Sum(s => Math.Max(0, result[s.Runs]) * s.Kwh);
        return kwh < 1e-6 ? 0 : kwh;
    }
}
