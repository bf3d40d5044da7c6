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

    // ITypeHandler rather than TypeHandler<T>: a scalar query (SELECT MAX(...)) hands the handler DBNull
    // for a DateTimeOffset? result, which only the untyped Parse can answer with null.
    internal sealed class Handler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is DateTimeOffset instant ? ToText(instant) : DBNull.Value;
        }

        public object? Parse(Type destinationType, object value) => value switch
        {
            string text => InstantText.Parse(text),
            DBNull or null when Nullable.GetUnderlyingType(destinationType) is not null => null,
            _ => throw new DataException(
                $"An instant column holds {Describe(value)}; expected text in the format {Format}."),
        };
    }

    internal static string Describe(object? value) => value is null or DBNull
        ? "NULL"
        : $"a {value.GetType().Name} ({Convert.ToString(value, CultureInfo.InvariantCulture)})";
}
