using System.Data;
using System.Globalization;
using Dapper;

namespace Darkstar.Storage;

/// <summary>
/// The one text form of an instant in the database: UTC, ISO-8601, whole seconds, with <c>Z</c>
/// (<c>2026-03-29T01:15:00Z</c>). Fixed width, so text order is time order and range queries on the
/// text are correct. Sub-second parts are dropped on write (an instant reads back at the start of its
/// second): slots are whole quarter hours and durations are stored as numbers, not as instants.
/// </summary>
public static class InstantText
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static string ToText(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.TryParseExact(
            text,
            Format,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var instant)
            ? instant
            : throw new FormatException($"'{text}' is not an instant in the database's format ({Format}).");

    /// <summary>Drops what the text form cannot hold, so a value compares equal to what reads back.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return utc.AddTicks(-(utc.UtcTicks % TimeSpan.TicksPerSecond));
    }

    internal sealed class Handler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = ToText(value);
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            string text => InstantText.Parse(text),
            _ => throw new DataException(
                $"An instant column holds a {value.GetType().Name} ({Convert.ToString(value, CultureInfo.InvariantCulture)}); expected text in the format {Format}."),
        };
    }
}
