using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Darkstar.Core.Options;

/// <summary>
/// Binds a JSON tree to <see cref="DarkstarOptions"/>, collecting every problem: unknown keys (with the
/// likely intended key), wrong types and bad choices. A value that does not bind leaves the default in place.
/// A null value counts as not given.
/// </summary>
internal static class OptionsBinder
{
    public static DarkstarOptions Bind(JsonObject root, List<OptionError> errors)
    {
        var sectionValues = new Dictionary<string, Dictionary<PropertyInfo, object?>>(StringComparer.Ordinal);
        var topLevelValues = new Dictionary<PropertyInfo, object?>();
        var listValues = new Dictionary<OptionListDescriptor, object>();

        foreach (var (key, node) in root)
        {
            if (OptionsModel.Lists.FirstOrDefault(l => l.Key == key) is { } list)
            {
                if (node is not null && BindList(list, node, errors) is { } items)
                {
                    listValues[list] = items;
                }
            }
            else if (OptionsModel.SectionKeys.Contains(key, StringComparer.Ordinal))
            {
                if (node is null)
                {
                    continue;
                }

                if (node is not JsonObject section)
                {
                    var keys = OptionsModel.Options.Where(o => o.Section == key).Select(o => o.Key).Take(3);
                    errors.Add(new OptionError(key, DescribeShape(node), $"must be a section of options ({string.Join(", ", keys)}, ...)"));
                    continue;
                }

                var values = new Dictionary<PropertyInfo, object?>();
                sectionValues[key] = values;
                foreach (var (childKey, childNode) in section)
                {
                    BindOption($"{key}.{childKey}", childNode, values, errors);
                }
            }
            else
            {
                BindOption(key, node, topLevelValues, errors);
            }
        }

        var options = new DarkstarOptions();
        foreach (var (key, values) in sectionValues)
        {
            var property = OptionsModel.SectionProperty(key);
            var section = Activator.CreateInstance(property.PropertyType)!;
            foreach (var (optionProperty, value) in values)
            {
                optionProperty.SetValue(section, value);
            }

            property.SetValue(options, section);
        }

        foreach (var (property, value) in topLevelValues)
        {
            property.SetValue(options, value);
        }

        foreach (var (list, items) in listValues)
        {
            list.Property.SetValue(options, items);
        }

        return options;
    }

    /// <summary>
    /// A list option's items, each a dictionary of the item's keys; an item's problems name it by its position and name
    /// (<c>flexible_loads[2]</c>). Null when the value is not a list.
    /// </summary>
    private static object? BindList(OptionListDescriptor list, JsonNode node, List<OptionError> errors)
    {
        if (node is not JsonArray array)
        {
            var keys = string.Join(", ", list.Items.Where(i => !i.IsOptional).Select(i => i.Key));
            errors.Add(new OptionError(list.Key, DescribeShape(node), $"must be a list of items, each with {keys}, ... (an empty list [] for none)"));
            return null;
        }

        var bound = new List<object>();
        for (var i = 0; i < array.Count; i++)
        {
            var label = $"{list.Key}[{i + 1}]";
            if (array[i] is not JsonObject fields)
            {
                // Left out of the list: checking an item of defaults would only repeat that it is not one.
                errors.Add(new OptionError(label, array[i] is null ? null : DescribeShape(array[i]!), $"must be an item with its keys ({string.Join(", ", list.Items.Select(o => o.Key).Take(4))}, ...)"));
                continue;
            }

            var item = Activator.CreateInstance(list.ItemType)!;
            bound.Add(item);

            if (fields.TryGetPropertyValue("name", out var nameNode) && nameNode is JsonValue nameValue && nameValue.GetValueKind() == JsonValueKind.String)
            {
                label = $"{list.Key}[{i + 1}] ({nameValue.GetValue<string>()})";
            }

            foreach (var (key, child) in fields)
            {
                if (list.Items.FirstOrDefault(o => o.Key == key) is not { } option)
                {
                    var nearest = Nearest(key, list.Items.Select(o => o.Key));
                    errors.Add(new OptionError($"{label}.{key}", null, nearest is null
                        ? $"unknown key of a {list.Key} item: one of {string.Join(", ", list.Items.Select(o => o.Key))}"
                        : $"unknown key of a {list.Key} item (a typo?); did you mean {nearest}?"));
                    continue;
                }

                if (child is null)
                {
                    continue;
                }

                if (TryRead(option, child, out var value, out var problem))
                {
                    option.Property.SetValue(item, value);
                }
                else
                {
                    errors.Add(new OptionError($"{label}.{key}", DescribeShape(child), problem));
                }
            }

            foreach (var missing in list.Items.Where(o => !o.IsOptional && fields[o.Key] is null))
            {
                errors.Add(new OptionError($"{label}.{missing.Key}", null, $"missing: every {list.Key} item needs its {missing.Key}"));
            }
        }

        // OptionList.From over the typed items: the list the options record holds.
        var items = Array.CreateInstance(list.ItemType, bound.Count);
        for (var i = 0; i < bound.Count; i++)
        {
            items.SetValue(bound[i], i);
        }

        var from = typeof(OptionList).GetMethod(nameof(OptionList.From))!.MakeGenericMethod(list.ItemType);
        return from.Invoke(null, [items]);
    }

    private static string? Nearest(string key, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Key: c, Distance: EditDistance(key, c)))
            .Where(c => c.Distance <= Math.Max(2, c.Key.Length / 4))
            .OrderBy(c => c.Distance)
            .FirstOrDefault().Key;

    private static void BindOption(string path, JsonNode? node, Dictionary<PropertyInfo, object?> values, List<OptionError> errors)
    {
        if (!OptionsModel.TryGet(path, out var option))
        {
            // The value of a mistyped key may well be a secret: never echo it.
            errors.Add(new OptionError(path, null, UnknownKeyProblem(path)));
            return;
        }

        if (node is null)
        {
            return;
        }

        if (TryRead(option, node, out var value, out var problem))
        {
            values[option.Property] = value;
        }
        else
        {
            errors.Add(new OptionError(path, option.IsSecret ? "***" : DescribeShape(node), problem));
        }
    }

    private static bool TryRead(OptionDescriptor option, JsonNode node, out object? value, out string problem)
    {
        value = null;
        problem = string.Empty;
        if (node is not JsonValue scalar)
        {
            problem = $"must be a single value, not {(node is JsonArray ? "a list" : "a section")}";
            return false;
        }

        var kind = scalar.GetValueKind();
        switch (option.Kind)
        {
            case OptionKind.Text:
                if (kind == JsonValueKind.String)
                {
                    var text = scalar.GetValue<string>();
                    value = option.IsOptional && string.IsNullOrWhiteSpace(text) ? null : text;
                    return true;
                }

                if (kind == JsonValueKind.Number)
                {
                    // A YAML plain scalar such as 123 or a JSON number: keep its exact text.
                    value = scalar.ToJsonString();
                    return true;
                }

                problem = "must be text; put it in quotes";
                return false;

            case OptionKind.WholeNumber:
            case OptionKind.Number:
                if (!TryNumberText(scalar, kind, out var numberText) ||
                    !double.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ||
                    !double.IsFinite(number))
                {
                    problem = option.Kind == OptionKind.WholeNumber ? "must be a whole number" : "must be a number";
                    return false;
                }

                if (option.Kind == OptionKind.Number)
                {
                    value = number;
                    return true;
                }

                if (number != Math.Floor(number) || number < int.MinValue || number > int.MaxValue)
                {
                    problem = "must be a whole number";
                    return false;
                }

                value = (int)number;
                return true;

            case OptionKind.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    value = kind == JsonValueKind.True;
                    return true;
                }

                if (kind == JsonValueKind.String && bool.TryParse(scalar.GetValue<string>().Trim(), out var flag))
                {
                    value = flag;
                    return true;
                }

                problem = "must be true or false";
                return false;

            case OptionKind.Choice:
                if (kind is JsonValueKind.String or JsonValueKind.Number &&
                    option.TryParseChoice(kind == JsonValueKind.String ? scalar.GetValue<string>().Trim() : scalar.ToJsonString(), out var choice))
                {
                    value = choice;
                    return true;
                }

                problem = $"must be one of: {string.Join(", ", option.AllowedValues)}";
                return false;

            case OptionKind.TimeOfDay:
                if (kind == JsonValueKind.String &&
                    TimeOnly.TryParseExact(scalar.GetValue<string>().Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                {
                    value = time;
                    return true;
                }

                problem = "must be a time of day as HH:mm, e.g. 03:00";
                return false;

            default:
                throw new InvalidOperationException($"No reader for {option.Kind}.");
        }
    }

    private static bool TryNumberText(JsonValue scalar, JsonValueKind kind, out string text)
    {
        text = kind switch
        {
            JsonValueKind.Number => scalar.ToJsonString(),
            JsonValueKind.String => scalar.GetValue<string>().Trim(),
            _ => string.Empty,
        };
        return text.Length > 0;
    }

    private static string DescribeShape(JsonNode node) => node switch
    {
        JsonObject => "(a section)",
        JsonArray => "(a list)",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static string UnknownKeyProblem(string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var section = dot < 0 ? null : path[..dot];
        var key = dot < 0 ? path : path[(dot + 1)..];

        // The same key in another place: most likely put under the wrong section.
        var elsewhere = OptionsModel.Options.Where(o => o.Key == key && o.Section != section).ToList();
        if (elsewhere.Count == 1)
        {
            return $"unknown option here; did you mean {elsewhere[0].Path}?";
        }

        var candidates = OptionsModel.Options.Where(o => o.Section == section).Select(o => o.Key);
        if (section is null)
        {
            candidates = candidates.Concat(OptionsModel.SectionKeys).Concat(OptionsModel.Lists.Select(l => l.Key));
        }

        var nearest = Nearest(key, candidates);
        var known = section is null ? "a top-level option" : $"an option of {section}";
        return nearest is null
            ? $"unknown option: not {known}"
            : $"unknown option (a typo?); did you mean {(section is null ? nearest : $"{section}.{nearest}")}?";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
