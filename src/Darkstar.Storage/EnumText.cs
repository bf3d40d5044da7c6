using System.Collections.Frozen;
using System.Text;

namespace Darkstar.Storage;

/// <summary>
/// Enums stored as text are stored in snake_case (<c>MaskBattery</c> is <c>mask_battery</c>), the words
/// the CHECK constraints of the schema name. Dapper writes enums as numbers and ignores type handlers
/// for them, so repositories convert through here explicitly, both ways.
/// </summary>
internal static class EnumText<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> TextByValue =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));

    private static readonly FrozenDictionary<string, TEnum> ValueByText =
        TextByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> AllTexts => TextByValue.Values;

    public static string ToText(TEnum value) =>
        TextByValue.TryGetValue(value, out var text)
            ? text
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a defined {typeof(TEnum).Name}.");

    public static TEnum Parse(string text) =>
        ValueByText.TryGetValue(text, out var value)
            ? value
            : throw new FormatException(
                $"'{text}' is not a {typeof(TEnum).Name}; expected one of {string.Join(", ", AllTexts)}.");

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
