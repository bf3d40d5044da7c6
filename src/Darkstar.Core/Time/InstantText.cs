using System.Globalization;

namespace Darkstar.Core.Time;

/// <summary>
/// The one text form of an instant everywhere Darkstar writes one (database, JSON reports, logs):
/// UTC ISO-8601 to the second with a <c>Z</c>, so text order is time order.
/// </summary>
public static class InstantText
{
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Formats <paramref name="instant"/> in UTC; any fraction of a second is dropped.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Parses exactly the form <see cref="Format(DateTimeOffset)"/> writes; anything else is a <see cref="FormatException"/>.</summary>
    public static DateTimeOffset ParseExact(string text) =>
        DateTimeOffset.TryParseExact(
            text,
            Pattern,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var instant)
            ? instant
            : throw new FormatException($"'{text}' is not an instant in Darkstar's stored form ({Pattern}).");

    /// <summary>Drops what the text form cannot hold, so a value compares equal to what reads back.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return utc.AddTicks(-(utc.UtcTicks % TimeSpan.TicksPerSecond));
    }

    /// <summary>Parses ISO-8601 text with a <c>Z</c> or an explicit offset; text without either is rejected.</summary>
    public static DateTimeOffset Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var instant))
        {
            throw new FormatException($"'{text}' is not an ISO-8601 instant with a time zone (for example 2026-03-29T01:00:00Z).");
        }

        return instant;
    }

    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        // A bare local time would silently take the machine's zone: require Z or an offset.
        var hasZone = trimmed.EndsWith('Z') || trimmed.EndsWith('z') ||
            (trimmed.Length > 6 && (trimmed[^6] == '+' || trimmed[^6] == '-') && trimmed[^3] == ':');
        if (!hasZone)
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        instant = parsed.ToUniversalTime();
        return true;
    }
}
