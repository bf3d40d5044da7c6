using System.Reflection;
using System.Text.Json;

namespace Darkstar.Core.Options;

/// <summary>
/// The shape of <see cref="DarkstarOptions"/>, read once from the records by reflection: sections, options,
/// their keys and rules. Binding, validation, printing and the add-on manifest test all use this one description.
/// </summary>
public static class OptionsModel
{
    private static readonly Lazy<Shape> Model = new(Build);

    /// <summary>Every option, sections in declaration order, then the top-level options.</summary>
    public static IReadOnlyList<OptionDescriptor> Options => Model.Value.Options;

    /// <summary>The section keys, e.g. <c>battery</c>, in declaration order.</summary>
    public static IReadOnlyList<string> SectionKeys => Model.Value.SectionKeys;

    /// <summary>
    /// The list options (e.g. <c>flexible_loads</c>): each a list of items with keys of their own. Their keys are not in
    /// <see cref="Options"/>; <see cref="Get"/> finds them as <c>flexible_loads.power_kw</c>.
    /// </summary>
    public static IReadOnlyList<OptionListDescriptor> Lists => Model.Value.Lists;

    /// <summary>The option at <paramref name="path"/> (e.g. <c>battery.capacity_kwh</c>).</summary>
    public static OptionDescriptor Get(string path) =>
        Model.Value.ByPath.TryGetValue(path, out var option) ? option : throw new KeyNotFoundException($"'{path}' is not an option.");

    public static bool TryGet(string path, out OptionDescriptor option) => Model.Value.ByPath.TryGetValue(path, out option!);

    internal static PropertyInfo SectionProperty(string key) => Model.Value.SectionsByKey[key];

    internal static string KeyOf(PropertyInfo property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);

    public static string EnumText(object value)
    {
        var name = value.ToString()!;
        var field = value.GetType().GetField(name, BindingFlags.Public | BindingFlags.Static);
        return field?.GetCustomAttribute<OptionValueAttribute>()?.Value ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
    }

    private static IEnumerable<PropertyInfo> OptionProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken);

    private static Shape Build()
    {
        var options = new List<OptionDescriptor>();
        var sections = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        var topLevel = new List<PropertyInfo>();
        var lists = new List<OptionListDescriptor>();
        foreach (var property in OptionProperties(typeof(DarkstarOptions)))
        {
            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(OptionList<>))
            {
                var key = KeyOf(property);
                var itemType = property.PropertyType.GetGenericArguments()[0];
                lists.Add(new OptionListDescriptor(key, property, itemType, [.. OptionProperties(itemType).Select(p => new OptionDescriptor(key, property, p, listItem: true))]));
            }
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                var key = KeyOf(property);
                sections.Add(key, property);
                options.AddRange(OptionProperties(property.PropertyType).Select(p => new OptionDescriptor(key, property, p)));
            }
            else
            {
                topLevel.Add(property);
            }
        }

        options.AddRange(topLevel.Select(p => new OptionDescriptor(null, p, p)));
        var byPath = options.Concat(lists.SelectMany(l => l.Items)).ToDictionary(o => o.Path, StringComparer.Ordinal);
        return new Shape(options, lists, [.. sections.Keys], sections, byPath);
    }

    private sealed record Shape(
        IReadOnlyList<OptionDescriptor> Options,
        IReadOnlyList<OptionListDescriptor> Lists,
        IReadOnlyList<string> SectionKeys,
        IReadOnlyDictionary<string, PropertyInfo> SectionsByKey,
        IReadOnlyDictionary<string, OptionDescriptor> ByPath);
}

/// <summary>A list option: its key (e.g. <c>flexible_loads</c>), the type of its items and their keys.</summary>
public sealed class OptionListDescriptor
{
    internal OptionListDescriptor(string key, PropertyInfo property, Type itemType, IReadOnlyList<OptionDescriptor> items)
    {
        Key = key;
        Property = property;
        ItemType = itemType;
        Items = items;
    }

    public string Key { get; }

    public Type ItemType { get; }

    /// <summary>The keys of each item, with <see cref="OptionDescriptor.Path"/> <c>list_key.item_key</c>.</summary>
    public IReadOnlyList<OptionDescriptor> Items { get; }

    internal PropertyInfo Property { get; }

    /// <summary>The items of this list in <paramref name="options"/>.</summary>
    public IReadOnlyList<object> GetItems(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. ((System.Collections.IEnumerable)Property.GetValue(options)!).Cast<object>()];
    }
}
