using System.Globalization;
using System.Threading.Channels;
using Darkstar.Core.Options;
using Darkstar.Execution;
using Darkstar.Mqtt.Controls;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>
/// A wake-up call for a loop (the planner, the retraining): the latest reason wins, and asking again before the loop
/// woke up asks once.
/// </summary>
public sealed class LoopTrigger
{
    private readonly Channel<string> _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public void Request(string reason) => _requests.Writer.TryWrite(reason);

    /// <summary>
    /// The reason of the next request, or null once <paramref name="clock"/> reads <paramref name="due"/> without one: at once
    /// when it is past already (a loop that ran late runs again at once, rather than skip to the instant after), and never before
    /// it, however early the clock's timer fires.
    /// </summary>
    public async Task<string?> WaitUntilAsync(DateTimeOffset due, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        while (true)
        {
            var left = due - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return _requests.Reader.TryRead(out var pending) ? pending : null;
            }

            if (await WaitAsync(left, clock, cancellationToken) is { } reason)
            {
                return reason;
            }
        }
    }

    /// <summary>The reason of the next request, or null once <paramref name="timeout"/> (on <paramref name="clock"/>) has passed without one.</summary>
    public async Task<string?> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (_requests.Reader.TryRead(out var ready))
        {
            return ready;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, clock, limit.Token);
        var request = _requests.Reader.WaitToReadAsync(limit.Token).AsTask();
        var first = await Task.WhenAny(delay, request);
        await limit.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == request && _requests.Reader.TryRead(out var reason) ? reason : null;
    }
}

/// <summary>Waits on an injected clock until an instant, however early the clock's timer fires.</summary>
public static class ClockWait
{
    /// <summary>
    /// Returns once <paramref name="clock"/> reads <paramref name="due"/> or later (at once when it already does). A timer may fire
    /// a moment before its time (by up to a millisecond of real time, seconds of an accelerated clock): the rest is waited out,
    /// so that a loop woken early does not run its round for the interval that is about to end.
    /// </summary>
    public static async Task UntilAsync(DateTimeOffset due, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        for (var left = due - clock.GetUtcNow(); left > TimeSpan.Zero; left = due - clock.GetUtcNow())
        {
            await Task.Delay(left, clock, cancellationToken);
        }
    }
}

/// <summary>The planner's own triggers and the retraining's, one of each per service.</summary>
public sealed class ServiceTriggers
{
    public LoopTrigger Replan { get; } = new();

    public LoopTrigger Retrain { get; } = new();
}

/// <summary>
/// The values users change through Darkstar's controls that the planner reads: every plan is made with the options
/// as these values amend them. The executor's share lives in <see cref="ExecutorSettingsHolder"/>.
/// </summary>
public sealed class PlannerControls
{
    private DarkstarControlValues _values;

    public PlannerControls(DarkstarControlValues initial) => _values = initial ?? throw new ArgumentNullException(nameof(initial));

    public DarkstarControlValues Values => Volatile.Read(ref _values);

    public void Set(DarkstarControlValues values) => Volatile.Write(ref _values, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary><paramref name="options"/> with the user's forecast version, risk appetite, SoC limits, export and water heating minimum.</summary>
    public DarkstarOptions Apply(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var values = Values;
        return options with
        {
            Battery = options.Battery with { MinSocPercent = values.MinSocPercent, MaxSocPercent = values.MaxSocPercent },
            Grid = options.Grid with { ExportAllowed = values.AllowExport },
            WaterHeating = options.WaterHeating with { MinKwhPerDay = values.WaterHeaterMinKwhPerDay },
            SIndex = options.SIndex with { RiskAppetite = values.RiskAppetite },
            Forecasting = options.Forecasting with
            {
                ActiveForecastVersion = ForecastVersionText.Parse(values.ForecastVersion),
            },
        };
    }
}

/// <summary>
/// Carries out what users ask through Darkstar's MQTT controls: switches, the override and the SoC limits go to the
/// executor at once, everything the planner reads takes effect with a re-plan (asked for here), and the buttons wake
/// the planner or the retraining. The MQTT service validates each command first and stores the values it accepted.
/// </summary>
public sealed class ServiceCommandHandler(
    ExecutorSettingsHolder executor,
    PlannerControls planner,
    ServiceTriggers triggers,
    ILogger<ServiceCommandHandler> logger) : IDarkstarCommandHandler
{
    /// <summary>Applies every value at once: at start, with what the MQTT service loaded from <c>user_settings</c>.</summary>
    public void ApplyAll(DarkstarControlValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        planner.Set(values);
        executor.Update(current => current with
        {
            ExecutorEnabled = values.ExecutorEnabled,
            ShadowMode = values.ShadowMode,
            AllowExport = values.AllowExport,
            Override = ManualOverrideText.TryParse(values.ManualOverride, out var chosen) ? chosen : ManualOverride.Auto,
            MinSocPercent = values.MinSocPercent,
            MaxSocPercent = values.MaxSocPercent,
        });
    }

    public Task SetSwitchAsync(DarkstarSwitch control, bool isOn, CancellationToken cancellationToken)
    {
        switch (control)
        {
            case DarkstarSwitch.ExecutorEnabled:
                executor.Update(s => s with { ExecutorEnabled = isOn });
                break;
            case DarkstarSwitch.ShadowMode:
                executor.Update(s => s with { ShadowMode = isOn });
                break;
            case DarkstarSwitch.AllowExport:
                executor.Update(s => s with { AllowExport = isOn });
                planner.Set(planner.Values with { AllowExport = isOn });
                triggers.Replan.Request("export allowed changed");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(control), control, "Not a Darkstar switch.");
        }

        logger.LogInformation("Switch {Switch} set {State}", control, isOn ? "on" : "off");
        return Task.CompletedTask;
    }

    public Task SelectAsync(DarkstarSelect control, string selected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selected);
        switch (control)
        {
            case DarkstarSelect.ForecastVersion:
                planner.Set(planner.Values with { ForecastVersion = selected });
                triggers.Replan.Request("forecast version changed");
                break;
            case DarkstarSelect.RiskAppetite:
                planner.Set(planner.Values with { RiskAppetite = int.Parse(selected, CultureInfo.InvariantCulture) });
                triggers.Replan.Request("risk appetite changed");
                break;
            case DarkstarSelect.ManualOverride:
                var chosen = ManualOverrideText.Parse(selected);
                executor.Update(s => s with { Override = chosen });
                planner.Set(planner.Values with { ManualOverride = selected });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(control), control, "Not a Darkstar select.");
        }

        logger.LogInformation("Select {Select} set to {Value}", control, selected);
        return Task.CompletedTask;
    }

    public Task SetNumberAsync(DarkstarNumber control, double value, CancellationToken cancellationToken)
    {
        switch (control)
        {
            case DarkstarNumber.MinSocPercent:
                executor.Update(s => s with { MinSocPercent = value });
                planner.Set(planner.Values with { MinSocPercent = value });
                break;
            case DarkstarNumber.MaxSocPercent:
                executor.Update(s => s with { MaxSocPercent = value });
                planner.Set(planner.Values with { MaxSocPercent = value });
                break;
            case DarkstarNumber.WaterHeaterMinKwhPerDay:
                planner.Set(planner.Values with { WaterHeaterMinKwhPerDay = value });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(control), control, "Not a Darkstar number.");
        }

        triggers.Replan.Request($"{control} changed");
        logger.LogInformation("Number {Number} set to {Value}", control, value);
        return Task.CompletedTask;
    }

    public Task PressAsync(DarkstarButton button, CancellationToken cancellationToken)
    {
        switch (button)
        {
            case DarkstarButton.Replan:
                triggers.Replan.Request("re-plan button");
                break;
            case DarkstarButton.RetrainAurora:
                triggers.Retrain.Request("retrain button");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(button), button, "Not a Darkstar button.");
        }

        logger.LogInformation("Button {Button} pressed", button);
        return Task.CompletedTask;
    }
}
