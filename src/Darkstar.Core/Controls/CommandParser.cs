using System.Globalization;
using static Darkstar.Core.Controls.ControlCatalogue;

namespace Darkstar.Core.Controls;

/// <summary>The outcome of reading a command payload: the command, or why it was rejected.</summary>
public sealed record CommandParseResult(DarkstarCommand? Command, string? Error)
{
    public static CommandParseResult Accepted(DarkstarCommand command) => new(command, null);

    public static CommandParseResult Rejected(string error) => new(null, error);
}

/// <summary>
/// Turns a value a user sent (an MQTT command payload, a web form's field) into a validated <see cref="DarkstarCommand"/>:
/// the value must be one the control takes (<see cref="ControlCatalogue"/>: an option of the select, a number in range on
/// the step, ON/OFF, PRESS), and the result must keep the controls consistent (minimum SoC below maximum SoC, as the options require).
/// </summary>
public sealed class CommandParser(IReadOnlyList<ControlDefinition> controls)
{
    private readonly Dictionary<string, ControlDefinition> _byId = controls.ToDictionary(e => e.Id, StringComparer.Ordinal);

    public CommandParseResult Parse(string entityId, string payload, DarkstarControlValues current)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(current);
        if (!_byId.TryGetValue(entityId, out var entity))
        {
            return CommandParseResult.Rejected($"'{entityId}' is not a Darkstar control");
        }

        var text = payload.Trim();
        return entity.Kind switch
        {
            ControlKind.Switch => ParseSwitch(entity, text),
            ControlKind.Select => ParseSelect(entity, text),
            ControlKind.Number => ParseNumber(entity, text, current),
            ControlKind.Time => TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? CommandParseResult.Accepted(new DarkstarCommand.SetTime(entity.Id, new TimeOnly(time.Hour, time.Minute)))
                : CommandParseResult.Rejected($"'{Shorten(text)}' is not a time of day (HH:MM)"),
            ControlKind.Button => text == Press
                ? CommandParseResult.Accepted(new DarkstarCommand.Press(entity.Id, ButtonOf(entity.Id)))
                : CommandParseResult.Rejected($"'{Shorten(text)}' is not {Press}"),
            _ => CommandParseResult.Rejected($"'{entityId}' takes no commands"),
        };
    }

    private static CommandParseResult ParseSwitch(ControlDefinition entity, string text)
    {
        bool on;
        if (text == On)
        {
            on = true;
        }
        else if (text == Off)
        {
            on = false;
        }
        else
        {
            return CommandParseResult.Rejected($"'{Shorten(text)}' is neither {On} nor {Off}");
        }

        var control = entity.Id switch
        {
            ExecutorEnabled => DarkstarSwitch.ExecutorEnabled,
            ShadowMode => DarkstarSwitch.ShadowMode,
            AllowExport => DarkstarSwitch.AllowExport,
            VacationMode => DarkstarSwitch.VacationMode,
            _ => throw new InvalidOperationException($"Switch '{entity.Id}' has no control."),
        };
        return CommandParseResult.Accepted(new DarkstarCommand.SetSwitch(entity.Id, control, on));
    }

    private static CommandParseResult ParseSelect(ControlDefinition entity, string text)
    {
        var options = entity.Options ?? [];
        if (!options.Contains(text, StringComparer.Ordinal))
        {
            return CommandParseResult.Rejected($"'{Shorten(text)}' is not one of {string.Join(", ", options)}");
        }

        var control = entity.Id switch
        {
            ForecastVersion => DarkstarSelect.ForecastVersion,
            RiskAppetite => DarkstarSelect.RiskAppetite,
            ManualOverride => DarkstarSelect.ManualOverride,
            _ => throw new InvalidOperationException($"Select '{entity.Id}' has no control."),
        };
        return CommandParseResult.Accepted(new DarkstarCommand.ChooseOption(entity.Id, control, text));
    }

    private static CommandParseResult ParseNumber(ControlDefinition entity, string text, DarkstarControlValues current)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return CommandParseResult.Rejected($"'{Shorten(text)}' is not a number");
        }

        var min = entity.Min ?? double.MinValue;
        var max = entity.Max ?? double.MaxValue;
        if (value < min || value > max)
        {
            return CommandParseResult.Rejected(FormattableString.Invariant($"{value} is outside {min}..{max}"));
        }

        if (entity.Step is { } step && step > 0)
        {
            var steps = (value - min) / step;
            if (Math.Abs(steps - Math.Round(steps)) > 1e-6)
            {
                return CommandParseResult.Rejected(FormattableString.Invariant($"{value} is not on the step {step}"));
            }
        }

        // As the options: the minimum strictly below the maximum (equal leaves the battery no room to work in).
        var (number, inconsistency) = entity.Id switch
        {
            MinSoc => (DarkstarNumber.MinSocPercent, value < current.MaxSocPercent
                ? null
                : FormattableString.Invariant($"{value} %: the minimum SoC must be below the maximum SoC ({current.MaxSocPercent} %)")),
            MaxSoc => (DarkstarNumber.MaxSocPercent, value > current.MinSocPercent
                ? null
                : FormattableString.Invariant($"{value} %: the maximum SoC must be above the minimum SoC ({current.MinSocPercent} %)")),
            WaterHeaterMinKwhPerDay => (DarkstarNumber.WaterHeaterMinKwhPerDay, (string?)null),
            CarTargetSoc => (DarkstarNumber.CarTargetSocPercent, (string?)null),
            _ => throw new InvalidOperationException($"Number '{entity.Id}' has no control."),
        };
        if (inconsistency is not null)
        {
            return CommandParseResult.Rejected(inconsistency);
        }

        return CommandParseResult.Accepted(new DarkstarCommand.SetNumber(entity.Id, number, value));
    }

    private static DarkstarButton ButtonOf(string id) => id switch
    {
        Replan => DarkstarButton.Replan,
        RetrainAurora => DarkstarButton.RetrainAurora,
        _ => throw new InvalidOperationException($"Button '{id}' has no control."),
    };

    // A payload is whatever someone published: keep log lines short.
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
