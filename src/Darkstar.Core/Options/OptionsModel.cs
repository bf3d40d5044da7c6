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
        foreach (var property in OptionProperties(typeof(DarkstarOptions)))
        {
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
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
        return new Shape(options, [.. sections.Keys], sections, options.ToDictionary(o => o.Path, StringComparer.Ordinal));
    }

    private sealed record Shape(
        IReadOnlyList<OptionDescriptor> Options,
        IReadOnlyList<string> SectionKeys,
        IReadOnlyDictionary<string, PropertyInfo> SectionsByKey,
        IReadOnlyDictionary<string, OptionDescriptor> ByPath);
}
