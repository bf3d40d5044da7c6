using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Darkstar.Core.Options;

/// <summary>
/// Turns an options file, JSON or YAML, into one JSON tree, so that both formats share a single binding
/// and validation path. YAML scalars are resolved with the YAML 1.2 core schema; a plain number keeps its
/// exact text, so <c>token: 0123</c> still reads as the string "0123".
/// </summary>
internal static partial class OptionsDocument
{
    private const int MaxDepth = 32;

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
    };

    public static JsonObject? ParseJson(string text, List<OptionError> errors)
    {
        try
        {
            var root = JsonNode.Parse(text, documentOptions: JsonOptions);
            return AsRoot(root, "JSON", errors);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            errors.Add(new OptionError(string.Empty, null, $"malformed JSON at line {line}, column {column}: {FirstSentence(ex.Message)}"));
            return null;
        }
    }

    public static JsonObject? ParseYaml(string text, List<OptionError> errors)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var detail = ex.InnerException is YamlException inner ? Unmarked(inner.Message) : Unmarked(ex.Message);
            errors.Add(new OptionError(string.Empty, null, $"malformed YAML at line {ex.Start.Line}, column {ex.Start.Column}: {detail}"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unclosed flow collections; the last event read locates it.
            var last = parser.LastEnd;
            errors.Add(new OptionError(string.Empty, null, $"malformed YAML at line {last.Line}, column {last.Column}: cannot read on from here (an unclosed [ or {{?)"));
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            return [];
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            errors.Add(new OptionError(string.Empty, null, $"malformed YAML at line {second.Line}: the file holds more than one document (---); put all options in one"));
            return null;
        }

        var before = errors.Count;
        var tree = Convert(stream.Documents[0].RootNode, string.Empty, 0, errors);
        return errors.Count > before ? null : AsRoot(tree, "YAML", errors);
    }

    private static JsonObject? AsRoot(JsonNode? root, string format, List<OptionError> errors)
    {
        switch (root)
        {
            case null:
                return [];
            case JsonObject mapping:
                return mapping;
            default:
                errors.Add(new OptionError(string.Empty, null, $"the {format} file must hold a mapping of option sections (home_assistant:, battery:, ...) at the top level"));
                return null;
        }
    }

    private static JsonNode? Convert(YamlNode node, string path, int depth, List<OptionError> errors)
    {
        if (depth > MaxDepth)
        {
            errors.Add(new OptionError(path, null, $"malformed YAML at line {node.Start.Line}: nested more than {MaxDepth} levels deep"));
            return null;
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var result = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        errors.Add(new OptionError(path, null, $"malformed YAML at line {keyNode.Start.Line}: a key must be a plain name"));
                        continue;
                    }

                    result[key] = Convert(valueNode, path.Length == 0 ? key : $"{path}.{key}", depth + 1, errors);
                }

                return result;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, path, depth + 1, errors));
                }

                return array;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar, path, errors);
            default:
                errors.Add(new OptionError(path, null, $"malformed YAML at line {node.Start.Line}: unsupported node"));
                return null;
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar, string path, List<OptionError> errors)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag;
        if (!tag.IsEmpty && !tag.IsNonSpecific)
        {
            if (tag.Value == "tag:yaml.org,2002:str")
            {
                return JsonValue.Create(text);
            }

            // Home Assistant's !secret and other application tags have no meaning in a standalone file.
            errors.Add(new OptionError(path, null, $"malformed YAML at line {scalar.Start.Line}: the tag {tag.Value} is not supported; write the value itself"));
            return null;
        }

        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain || tag.IsNonSpecific)
        {
            return JsonValue.Create(text);
        }

        if (text.Length == 0 || text is "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        // A JSON-shaped number keeps its exact text in the tree; any other YAML number form stays a
        // string, which number options still parse and string options keep verbatim.
        return JsonNumber().IsMatch(text) ? JsonNode.Parse(text) : JsonValue.Create(text);
    }

    /// <summary>Remembers where the last event ended, to locate errors that YamlDotNet reports without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark LastEnd { get; private set; } = Mark.Empty;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastEnd = current.End;
            }

            return moved;
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var sentence = end < 0 ? message.TrimEnd('.') : message[..end];
        // "'abc de' is an invalid start of a value": the quoted text may be an unquoted secret.
        return QuotedFragment().Replace(sentence, "this value", 1);
    }

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): ".
    private static string Unmarked(string message) => MarkPrefix().Replace(message, string.Empty);

    [GeneratedRegex("^'[^']*'(?= is an invalid)", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedFragment();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^(\(Line: \d+, Col: \d+, Idx: \d+\)\s*-\s*)+\(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex MarkPrefix();
}
