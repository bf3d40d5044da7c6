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

    internal sealed class Handler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = ToText(value);
        }

        public override DateOnly Parse(object value) => value switch
        {
            string text => DayText.Parse(text),
            _ => throw new DataException(
                $"A day column holds a {value.GetType().Name} ({Convert.ToString(value, CultureInfo.InvariantCulture)}); expected text in the format {Format}."),
        };
    }
}
