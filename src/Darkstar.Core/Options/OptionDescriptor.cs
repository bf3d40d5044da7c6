using System.Globalization;
using System.Reflection;

namespace Darkstar.Core.Options;

/// <summary>The kind of value an option takes, which decides how it is read and printed.</summary>
public enum OptionKind
{
    Text,
    WholeNumber,
    Number,
    Boolean,

    /// <summary>One of a fixed list of values (an enum).</summary>
    Choice,

    /// <summary>A local time of day written HH:mm.</summary>
    TimeOfDay,
}

/// <summary>One option of the model: its path, its kind, whether it is optional or secret, and its rules.</summary>
public sealed class OptionDescriptor
{
    private readonly IReadOnlyDictionary<string, object> _choicesByText;

    internal OptionDescriptor(string? section, PropertyInfo sectionProperty, PropertyInfo property, bool listItem = false)
    {
        IsListItem = listItem;
        Section = section;
        SectionProperty = sectionProperty;
        Property = property;
        Key = OptionsModel.KeyOf(property);
        Path = section is null ? Key : $"{section}.{Key}";
        var underlying = Nullable.GetUnderlyingType(property.PropertyType);
        ValueType = underlying ?? property.PropertyType;
        IsOptional = listItem
            ? property.GetCustomAttribute<ItemRequiredAttribute>() is null
            : underlying is not null || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
        IsSecret = property.GetCustomAttribute<SecretAttribute>() is not null;
        Rules = [.. property.GetCustomAttributes<OptionRuleAttribute>()];
        Kind = KindOf(ValueType);
        _choicesByText = Kind == OptionKind.Choice
            ? Enum.GetValues(ValueType).Cast<object>().ToDictionary(v => OptionsModel.EnumText(v), v => v, StringComparer.Ordinal)
            : new Dictionary<string, object>();
        AllowedValues = [.. _choicesByText.Keys];
    }

    /// <summary>The section key (e.g. <c>battery</c>), or null for a top-level option.</summary>
    public string? Section { get; }

    /// <summary>The key within its section, e.g. <c>capacity_kwh</c>.</summary>
    public string Key { get; }

    /// <summary>The full option path, e.g. <c>battery.capacity_kwh</c>.</summary>
    public string Path { get; }

    public Type ValueType { get; }

    public OptionKind Kind { get; }

    /// <summary>
    /// True for a key of a list option's items (e.g. <c>flexible_loads.power_kw</c>): its value is read from an item
    /// (<see cref="GetItemValue"/>), and it is optional unless it is <see cref="ItemRequiredAttribute"/>.
    /// </summary>
    public bool IsListItem { get; }

    /// <summary>True when the option may be left unset (its type is nullable; a list item's key: it has a default).</summary>
    public bool IsOptional { get; }

    public bool IsSecret { get; }

    /// <summary>For <see cref="OptionKind.Choice"/>: the values as written in the options, in declaration order.</summary>
    public IReadOnlyList<string> AllowedValues { get; }

    public IReadOnlyList<OptionRuleAttribute> Rules { get; }

    internal PropertyInfo SectionProperty { get; }

    internal PropertyInfo Property { get; }

    /// <summary>The value of this list item's key in <paramref name="item"/>.</summary>
    public object? GetItemValue(object item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IsListItem ? Property.GetValue(item) : throw new InvalidOperationException($"{Path} is not a key of a list's items.");
    }

    /// <summary>The value of this option in <paramref name="options"/> (null when unset).</summary>
    public object? GetValue(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsListItem)
        {
            throw new InvalidOperationException($"{Path} is a key of each item of a list: read it from an item (GetItemValue).");
        }

        var owner = Section is null ? options : SectionProperty.GetValue(options);
        return Property.GetValue(owner);
    }

    /// <summary>The value of this option in <paramref name="options"/> as it is written in an options file, or null when unset.</summary>
    public string? FormatValue(DarkstarOptions options) => Format(GetValue(options));

    internal bool TryParseChoice(string text, out object value) => _choicesByText.TryGetValue(text, out value!);

    internal static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm", CultureInfo.InvariantCulture),
        Enum choice => OptionsModel.EnumText(choice),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    public override string ToString() => $"{Path} ({Kind}{(IsOptional ? ", optional" : string.Empty)})";

    private static OptionKind KindOf(Type type) =>
        type == typeof(string) ? OptionKind.Text
        : type == typeof(int) ? OptionKind.WholeNumber
        : type == typeof(double) ? OptionKind.Number
        : type == typeof(bool) ? OptionKind.Boolean
        : type == typeof(TimeOnly) ? OptionKind.TimeOfDay
        : type.IsEnum ? OptionKind.Choice
        : throw new NotSupportedException($"Option type {type.Name} has no reader; use string, int, double, bool, TimeOnly or an enum.");
}
