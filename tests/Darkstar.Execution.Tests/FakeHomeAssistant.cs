using System.Globalization;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Execution.Tests;

/// <summary>
/// An in-memory Home Assistant for executor ticks: entity states, and service calls that change them
/// (select, switch, number), fail on request, or are taken but not shown.
/// </summary>
internal sealed class FakeHomeAssistant : IHomeAssistantGateway
{
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly List<ServiceCall> _calls = [];
    private int _failuresLeft;
    private int _connectionLossesLeft;

    public bool IsConnected { get; set; } = true;

    /// <summary>When set, calls succeed but the states do not change (a device that ignores its integration).</summary>
    public bool IgnoreCalls { get; set; }

    public IReadOnlyList<ServiceCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static FakeHomeAssistant WithSimulatedInverter(double socPercent = 50)
    {
        var fake = new FakeHomeAssistant();
        fake.Set("sensor.darkstar_sim_battery_soc", socPercent.ToString(CultureInfo.InvariantCulture));
        fake.Set("select.darkstar_sim_work_mode", "Self consumption");
        fake.Set("switch.darkstar_sim_grid_charging", "off");
        fake.Set("number.darkstar_sim_max_charge_power", "5000");
        fake.Set("number.darkstar_sim_max_discharge_power", "5000");
        fake.Set("number.darkstar_sim_soc_target", "100");
        // The floor already at the simulated home's minimum SoC, as the executor leaves it after its first tick.
        fake.Set("number.darkstar_sim_discharge_floor", "10");
        fake.Set("switch.darkstar_sim_water_heater", "off");
        return fake;
    }

    public void Set(string entityId, string state)
    {
        lock (_gate)
        {
            _states[entityId] = state;
        }
    }

    public string? Get(string entityId)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault(entityId);
        }
    }

    public void FailNextCalls(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public void LoseConnectionOnNextCall() => Interlocked.Exchange(ref _connectionLossesLeft, 1);

    public Task<IReadOnlyList<EntityState>> GetStatesAsync(CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            throw new HomeAssistantConnectionLostException("Not connected.");
        }

        lock (_gate)
        {
            IReadOnlyList<EntityState> states =
                [.. _states.Select(p => new EntityState(p.Key, p.Value, EntityState.EmptyAttributes, TestPlans.Now, TestPlans.Now))];
            return Task.FromResult(states);
        }
    }

    public Task CallServiceAsync(ServiceCall serviceCall, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add(serviceCall);
        }

        if (Interlocked.Exchange(ref _connectionLossesLeft, 0) > 0)
        {
            IsConnected = false;
            throw new HomeAssistantConnectionLostException("The connection dropped.");
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new HomeAssistantCommandException("call_service", "home_assistant_error", "The device did not answer.");
        }

        if (IgnoreCalls)
        {
            return Task.CompletedTask;
        }

        var entityId = serviceCall.Target!.EntityIds![0];
        var state = (serviceCall.Domain, serviceCall.Service) switch
        {
            (_, "select_option") => serviceCall.ServiceData!["option"]!.GetValue<string>(),
            (_, "turn_on") => "on",
            (_, "turn_off") => "off",
            (_, "set_value") => serviceCall.ServiceData!["value"]!.GetValue<double>().ToString(CultureInfo.InvariantCulture),
            _ => throw new HomeAssistantCommandException("call_service", "not_found", $"{serviceCall.Domain}.{serviceCall.Service} not found."),
        };
        Set(entityId, state);
        return Task.CompletedTask;
    }
}
