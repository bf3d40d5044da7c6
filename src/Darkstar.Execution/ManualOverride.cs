namespace Darkstar.Execution;

/// <summary>The manual override a user picks on Darkstar's select; anything but <see cref="Auto"/> wins over the plan.</summary>
public enum ManualOverride
{
    Auto,
    ForceCharge,
    ForceDischarge,
    Hold,
    ForceExport,
}

/// <summary>The words of the manual override select (<c>auto</c>, <c>force_charge</c>, ...), both ways.</summary>
public static class ManualOverrideText
{
    private static readonly (ManualOverride Value, string Text)[] Words =
    [
        (ManualOverride.Auto, "auto"),
        (ManualOverride.ForceCharge, "force_charge"),
        (ManualOverride.ForceDischarge, "force_discharge"),
        (ManualOverride.Hold, "hold"),
        (ManualOverride.ForceExport, "force_export"),
    ];

    /// <summary>Every option of the select, in its order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Words.Select(w => w.Text)];

    public static string ToText(ManualOverride value)
    {
        foreach (var (candidate, text) in Words)
        {
            if (candidate == value)
            {
                return text;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "Not a manual override.");
    }

    public static bool TryParse(string? text, out ManualOverride value)
    {
        foreach (var (candidate, word) in Words)
        {
            if (string.Equals(word, text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = ManualOverride.Auto;
        return false;
    }

    /// <exception cref="FormatException"><paramref name="text"/> is not one of <see cref="All"/>.</exception>
    public static ManualOverride Parse(string text) =>
        TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a manual override; expected one of {string.Join(", ", All)}.");
}
