using System.Data;
using System.Globalization;
using Dapper;
using Darkstar.Core.Time;

namespace Darkstar.Storage;

// ITypeHandler rather than TypeHandler<T>: a scalar query (SELECT MAX(...)) hands the handler DBNull
// for a DateTimeOffset? or DateOnly? result, which only the untyped Parse can answer with null.

/// <summary>Every instant goes into the database as <see cref="InstantText"/> (UTC, whole seconds, <c>Z</c>).</summary>
internal sealed class InstantTypeHandler : SqlMapper.ITypeHandler
{
    public void SetValue(IDbDataParameter parameter, object value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value is DateTimeOffset instant ? InstantText.Format(instant) : DBNull.Value;
    }

    public object? Parse(Type destinationType, object value) => value switch
    {
        string text => InstantText.ParseExact(text),
        DBNull or null when Nullable.GetUnderlyingType(destinationType) is not null => null,
        _ => throw new DataException(
            $"An instant column holds {StoredValue.Describe(value)}; expected text in the form {InstantText.Pattern}."),
    };
}

/// <summary>Every local day goes into the database as <see cref="DayText"/> (<c>yyyy-MM-dd</c>).</summary>
internal sealed class DayTypeHandler : SqlMapper.ITypeHandler
{
    public void SetValue(IDbDataParameter parameter, object value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value is DateOnly day ? DayText.Format(day) : DBNull.Value;
    }

    public object? Parse(Type destinationType, object value) => value switch
    {
        string text => DayText.ParseExact(text),
        DBNull or null when Nullable.GetUnderlyingType(destinationType) is not null => null,
        _ => throw new DataException(
            $"A day column holds {StoredValue.Describe(value)}; expected text in the form {DayText.Pattern}."),
    };
}

internal static class StoredValue
{
    public static string Describe(object? value) => value is null or DBNull
        ? "NULL"
        : $"a {value.GetType().Name} ({Convert.ToString(value, CultureInfo.InvariantCulture)})";
}
