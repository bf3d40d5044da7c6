using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Darkstar.Core.Options;

/// <summary>
/// Prints the effective options (every option, defaults included) as YAML or JSON, with secrets masked:
/// <c>***</c> when set, empty when not. What it prints loads back into the same options, secrets aside.
/// </summary>
public static partial class OptionsPrinter
{
    public const string Mask = "***";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The options as a JSON tree in the options-file layout, secrets masked.</summary>
    public static JsonObject ToJsonObject(DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = new JsonObject();
        foreach (var option in OptionsModel.Options)
        {
            var owner = root;
            if (option.Section is not null)
            {
                owner = root[option.Section] as JsonObject ?? (JsonObject)(root[option.Section] = new JsonObject());
            }

            owner[option.Key] = ToJsonValue(option, option.GetValue(options));
        }

        foreach (var list in OptionsModel.Lists)
        {
            var items = new JsonArray();
            foreach (var item in list.GetItems(options))
            {
                var fields = new JsonObject();
                foreach (var option in list.Items)
                {
                    fields[option.Key] = ToJsonValue(option, option.GetItemValue(item));
                }

                items.Add(fields);
            }

            root[list.Key] = items;
        }

        return root;
    }

    public static string ToJson(DarkstarOptions options) => ToJsonObject(options).ToJsonString(Indented);

    public static string ToYaml(DarkstarOptions options)
    {
        var root = new YamlMappingNode();
        foreach (var (key, node) in ToJsonObject(options))
        {
            root.Add(key, ToYamlNode(node));
        }

        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        // The emitter closes the document with "..." which a reader does not need.
        var text = writer.ToString();
        return DocumentEnd().Replace(text, string.Empty).TrimEnd() + "\n";
    }

    private static JsonValue? ToJsonValue(OptionDescriptor option, object? value)
    {
        if (option.IsSecret)
        {
            return JsonValue.Create(value is null ? string.Empty : Mask);
        }

        return value switch
        {
            null => null,
            bool flag => JsonValue.Create(flag),
            int number => JsonValue.Create(number),
            double number => JsonValue.Create(number),
            _ => JsonValue.Create(OptionDescriptor.Format(value)),
        };
    }

    private static YamlNode ToYamlNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject section:
                var mapping = new YamlMappingNode();
                foreach (var (key, child) in section)
                {
                    mapping.Add(key, ToYamlNode(child));
                }

                return mapping;
            case JsonArray items:
                var sequence = new YamlSequenceNode(items.Select(ToYamlNode));
                if (items.Count == 0)
                {
                    sequence.Style = YamlDotNet.Core.Events.SequenceStyle.Flow;
                }

                return sequence;
            case null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return new YamlScalarNode(text) { Style = IsPlainSafe(text) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };
            default:
                return new YamlScalarNode(node.ToJsonString()) { Style = ScalarStyle.Plain };
        }
    }

    // Plain only when no YAML reader (1.1 or 1.2) could take the text for a number, a boolean, a null or a time.
    private static bool IsPlainSafe(string text) =>
        PlainText().IsMatch(text) &&
        !ReservedWord().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_./@+-]*(:[A-Za-z0-9_./@+-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainText();

    [GeneratedRegex("^(y|n|yes|no|on|off|true|false|null)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ReservedWord();

    [GeneratedRegex(@"\n\.\.\.\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DocumentEnd();
}
