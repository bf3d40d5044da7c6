using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Simulation.Home;
using EntityState = Darkstar.HomeAssistant.Model.EntityState;

namespace Darkstar.Cli;

/// <summary>
/// The executor in the benchmark's closed loop: every minute of a slot it decides as <see cref="ExecutorTick"/> does
/// (<see cref="ExecutionPolicy.Decide"/> on the plan's slot and the SoC the inverter reports, then <see cref="CalmCommands"/>),
/// commands every entity not already in its wanted state, and the simulated home's inverter (<see cref="InverterModel"/>) runs the minute on what it
/// was told. Every command goes into <see cref="Commands"/>, so the bench counts what the service would send.
/// </summary>
internal sealed class ExecutorInTheLoop : IClosedLoopExecutor
{
    private const int TicksPerSlot = SlotGrid.MinutesPerSlot;
    private static readonly IReadOnlyDictionary<string, JsonElement> NoAttributes = new Dictionary<string, JsonElement>();

    private readonly DarkstarOptions _options;
    private readonly ExecutorRuntimeSettings _settings;
    private readonly InverterModel _inverter;
    private readonly BatterySpec _battery;
    private readonly CalmCommands _calm;
    private readonly Dictionary<string, EntityState> _states = new(StringComparer.Ordinal);
    private long _planId;
    private Schedule? _lastPlan;

    /// <param name="options">The executor's options: the simulated home's entities and work modes, and the battery's limits.</param>
    /// <param name="battery">The benchmark's battery; the inverter's reserve is what the executor sets its discharge floor to.</param>
    public ExecutorInTheLoop(DarkstarOptions options, BatterySpec battery)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(battery);
        _options = options;
        _battery = battery;
        _settings = ExecutorRuntimeSettings.FromOptions(options) with { ExecutorEnabled = true, ShadowMode = false };
        _calm = CalmCommands.For(options);
        _inverter = new InverterModel(battery.CapacityKwh, Math.Max(battery.MaxChargeKw, battery.MaxDischargeKw), battery.ChargeEfficiency);
        var executor = options.Executor;
        // The inverter as the simulated home starts it: self-consumption at full power, nothing forced.
        Set(executor.WorkModeEntity, WorkModes.SelfConsumption, DateTimeOffset.MinValue);
        Set(executor.GridChargingEntity, "off", DateTimeOffset.MinValue);
        Set(executor.MaxChargePowerEntity, Number(battery.MaxChargeKw * 1000), DateTimeOffset.MinValue);
        Set(executor.MaxDischargePowerEntity, Number(battery.MaxDischargeKw * 1000), DateTimeOffset.MinValue);
        Set(executor.SocTargetEntity, Number(100), DateTimeOffset.MinValue);
        Set(executor.DischargeFloorEntity, Number(0), DateTimeOffset.MinValue);
    }

    /// <summary>Every command sent, in order.</summary>
    public CommandTally Commands { get; } = new();

    public (double ChargeKwh, double DischargeKwh) ExecuteSlot(Schedule plan, DateTimeOffset planTime, int position, double socKwh, double loadKwh, double pvKwh)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!ReferenceEquals(plan, _lastPlan))
        {
            _lastPlan = plan;
            _planId++;
        }

        var slot = KeplerPlanner.ToSlotPlan(plan.Slots[position], _planId);
        var stored = new Plan
        {
            Id = _planId,
            // The bench's cadence is its own choice: a plan is never stale here, however long between plans.
            CreatedAt = slot.SlotStart,
            HorizonStart = plan.Slots[0].Start,
            HorizonEnd = plan.Slots[^1].Start + SlotGrid.SlotLength,
            SlotCount = plan.Slots.Count,
            ForecastVersion = "bench",
            SolverStatus = plan.Status,
            SolveMs = plan.SolveMs,
            InitialSocPercent = _battery.ToPercent(socKwh),
        };
        var hours = SlotGrid.SlotLength.TotalHours / TicksPerSlot;
        var surplusKw = (pvKwh - loadKwh) / SlotGrid.SlotLength.TotalHours;
        double charged = 0, discharged = 0;
        for (var minute = 0; minute < TicksPerSlot; minute++)
        {
            var now = slot.SlotStart + TimeSpan.FromMinutes(minute);
            var decision = ExecutionPolicy.Decide(_options, new ExecutorInputs
            {
                Now = now,
                Settings = _settings,
                HomeAssistantConnected = true,
                Plan = stored,
                CurrentSlot = slot,
                // As the simulated home reports it: to a tenth of a percent.
                MeasuredSocPercent = Math.Round(_battery.ToPercent(socKwh), 1),
            });
            foreach (var target in _calm.Filter(now, decision, _states))
            {
                if (!target.IsSatisfiedBy(_states.GetValueOrDefault(target.EntityId)))
                {
                    Commands.Add(now, target.EntityId, target.ValueText);
                    Set(target.EntityId, target.ValueText, now);
                }
            }

            var (charge, discharge) = _inverter.Powers(Controls(), socKwh, surplusKw, hours);
            socKwh = _inverter.SocAfter(socKwh, charge, discharge, hours);
            charged += charge * hours;
            discharged += discharge * hours;
        }

        return (charged, discharged);
    }

    private InverterControls Controls()
    {
        var executor = _options.Executor;
        return new InverterControls(
            Text(executor.WorkModeEntity) ?? WorkModes.SelfConsumption,
            Text(executor.GridChargingEntity) == "on",
            Value(executor.MaxChargePowerEntity) ?? (_battery.MaxChargeKw * 1000),
            Value(executor.MaxDischargePowerEntity) ?? (_battery.MaxDischargeKw * 1000),
            Value(executor.SocTargetEntity) ?? 100,
            Value(executor.DischargeFloorEntity) ?? 0);
    }

    private string? Text(string? entityId) => entityId is not null && _states.TryGetValue(entityId, out var state) ? state.State : null;

    private double? Value(string? entityId) => entityId is not null && _states.TryGetValue(entityId, out var state) ? state.Number : null;

    private void Set(string? entityId, string value, DateTimeOffset at)
    {
        if (entityId is not null)
        {
            _states[entityId] = new EntityState(entityId, value, NoAttributes, at, at);
        }
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The commands sent to the inverter, and how many of them flapped.</summary>
internal sealed class CommandTally
{
    /// <summary>A value commanded again within this time after it was changed is a flap.</summary>
    public static readonly TimeSpan FlapWindow = TimeSpan.FromMinutes(30);

    private readonly Dictionary<string, List<(DateTimeOffset At, string Value)>> _byEntity = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>The service calls a simulated home took (failed ones changed nothing), counted as commands.</summary>
    public static CommandTally Of(IEnumerable<ReceivedServiceCall> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var tally = new CommandTally();
        foreach (var call in calls.Where(c => !c.Failed))
        {
            // The service and its data are the value: turn_on and turn_off, an option, a number.
            tally.Add(call.At, string.Join(",", call.EntityIds), $"{call.Service} {call.ServiceData}");
        }

        return tally;
    }

    /// <summary>
    /// Commands that set an entity back to a value it was commanded to within <see cref="FlapWindow"/> before, with a
    /// different value commanded in between (29 → 41 → 29 is one flap, 29 → 41 → 29 → 41 two).
    /// </summary>
    public int Flaps { get; private set; }

    public void Add(DateTimeOffset at, string entityId, string value)
    {
        if (!_byEntity.TryGetValue(entityId, out var history))
        {
            history = [];
            _byEntity[entityId] = history;
        }

        // The last command is never the same value (a command goes out only on a change), so any match is a return.
        if (history.Count >= 2 && history.Take(history.Count - 1).Any(h => at - h.At <= FlapWindow && h.Value == value))
        {
            Flaps++;
        }

        history.Add((at, value));
        history.RemoveAll(h => at - h.At > FlapWindow);
        Count++;
    }
}
