using System.Data;
using System.Globalization;
using Dapper;

namespace Darkstar.Storage;

/// <summary>The one text form of a local calendar day in the database: <c>yyyy-MM-dd</c>.</summary>
public static class DayText
{
    public const string Format = "yyyy-MM-dd";

    public static string ToText(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    public static DateOnly Parse(string text) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new FormatException($"'{text}' is not a day in the database's format ({Format}).");

    // Untyped for the same reason as InstantText.Handler: a NULL scalar for a DateOnly? result.
    internal sealed class Handler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is DateOnly day ? ToText(day) : DBNull.Value;
        }

        public object? Parse(Type destinationType, object value) => value switch
        {
            string text => DayText.Parse(text),
            DBNull or null when Nullable.GetUnderlyingType(destinationType) is not null => null,
            _ => throw new DataException(
                $"A day column holds {InstantText.Describe(value)}; expected text in the format {Format}."),
        };
    }
}
