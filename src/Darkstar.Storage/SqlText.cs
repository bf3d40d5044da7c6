using System.Globalization;
using System.Text;

namespace Darkstar.Storage;

/// <summary>
/// Builds the repetitive statements from a table's column list, so a column is named once per table.
/// Parameters are the PascalCase of the columns (<c>slot_start</c> is <c>@SlotStart</c>), matching the
/// properties of the domain records and of the repositories' row types.
/// </summary>
internal static class SqlText
{
    /// <summary>An INSERT that replaces the non-key columns of an existing row with the same key.</summary>
    public static string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> valueColumns)
    {
        var all = keyColumns.Concat(valueColumns).ToList();
        var sql = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} ({string.Join(", ", all)}) ")
            .Append(CultureInfo.InvariantCulture, $"VALUES ({string.Join(", ", all.Select(Parameter))}) ")
            .Append(CultureInfo.InvariantCulture, $"ON CONFLICT ({string.Join(", ", keyColumns)}) ");
        sql.Append(valueColumns.Count == 0
            ? "DO NOTHING;"
            : "DO UPDATE SET " + string.Join(", ", valueColumns.Select(c => $"{c} = excluded.{c}")) + ";");
        return sql.ToString();
    }

    /// <summary>An INSERT of a new row whose integer id the database assigns; the statement returns that id.</summary>
    public static string InsertReturningId(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(Parameter))}); " +
        "SELECT last_insert_rowid();";

    public static string Columns(IReadOnlyList<string> columns) => string.Join(", ", columns);

    public static string Parameter(string column)
    {
        var name = new StringBuilder("@", column.Length + 1);
        var upper = true;
        foreach (var c in column)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            name.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return name.ToString();
    }
}
