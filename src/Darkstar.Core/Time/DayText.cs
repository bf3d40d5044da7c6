using System.Globalization;

namespace Darkstar.Core.Time;

/// <summary>The one text form of a local calendar day: <c>yyyy-MM-dd</c>.</summary>
public static class DayText
{
    public const string Pattern = "yyyy-MM-dd";

    public static string Format(DateOnly day) => day.ToString(Pattern, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    public static DateOnly ParseExact(string text) =>
        TryParse(text, out var day)
            ? day
            : throw new FormatException($"'{text}' is not a day of the form {Pattern}.");
}
