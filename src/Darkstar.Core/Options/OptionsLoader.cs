using System.Text.Json.Nodes;

namespace Darkstar.Core.Options;

/// <summary>
/// Loads and validates the options: /data/options.json in the add-on, a YAML file standalone, or the
/// simulated home's built-in options. JSON and YAML become one tree and share one binding and validation.
/// Every error is collected, not just the first.
/// </summary>
public static class OptionsLoader
{
    /// <summary>The name of the embedded options of the simulated home.</summary>
    public const string EmbeddedDefaultName = "simulated-home.yaml";

    private const string EmbeddedResource = "Darkstar.Core.Options." + EmbeddedDefaultName;

    /// <summary>Loads <paramref name="path"/>: <c>.json</c> as JSON, <c>.yaml</c>/<c>.yml</c> as YAML.</summary>
    public static OptionsLoadResult LoadFile(string path, OptionsContext context)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".json" or ".yaml" or ".yml"))
        {
            return Failed(path, $"the options file {path} must end in .json, .yaml or .yml");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return Failed(path, $"the options file {path} does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            return Failed(path, $"the options file {path} does not exist (no such folder)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(path, $"the options file {path} could not be read: {ex.Message}");
        }

        return extension == ".json" ? LoadJson(text, path, context) : LoadYaml(text, path, context);
    }

    /// <summary>Loads options from JSON text; <paramref name="source"/> names it in messages.</summary>
    public static OptionsLoadResult LoadJson(string text, string source, OptionsContext context)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<OptionError>();
        return Load(OptionsDocument.ParseJson(text, errors), errors, source, context);
    }

    /// <summary>Loads options from YAML text; <paramref name="source"/> names it in messages.</summary>
    public static OptionsLoadResult LoadYaml(string text, string source, OptionsContext context)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<OptionError>();
        return Load(OptionsDocument.ParseYaml(text, errors), errors, source, context);
    }

    /// <summary>The options of the simulated home, built into this assembly.</summary>
    public static OptionsLoadResult LoadEmbeddedDefault(OptionsContext context) =>
        LoadYaml(ReadEmbeddedDefault(), "embedded:" + EmbeddedDefaultName, context);

    /// <summary>The YAML text of the simulated home's options, e.g. to write out as a starting point.</summary>
    public static string ReadEmbeddedDefault()
    {
        using var stream = typeof(OptionsLoader).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException($"The resource {EmbeddedResource} is missing from {typeof(OptionsLoader).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// <paramref name="options"/> with <paramref name="changes"/> (each <c>section.key=value</c>, e.g.
    /// <c>battery.capacity_kwh=15</c>) applied and everything validated again, as if the file had said so: a what-if.
    /// Secrets come back masked, so the result is for planning and simulation, never for talking to Home Assistant.
    /// </summary>
    public static OptionsLoadResult WithChanges(DarkstarOptions options, IEnumerable<string> changes, string source, OptionsContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(changes);
        var tree = OptionsPrinter.ToJsonObject(options);
        var errors = new List<OptionError>();
        foreach (var change in changes)
        {
            var equals = change.IndexOf('=', StringComparison.Ordinal);
            var path = equals < 0 ? change.Trim() : change[..equals].Trim();
            if (equals < 0 || !OptionsModel.TryGet(path, out var option))
            {
                errors.Add(new OptionError(path, null, equals < 0
                    ? "give it as option=value, e.g. battery.capacity_kwh=15"
                    : "is not an option; options are written section.key as in the options file, e.g. battery.capacity_kwh"));
                continue;
            }

            var text = change[(equals + 1)..].Trim();
            var owner = option.Section is null ? tree : (JsonObject)tree[option.Section]!;
            // The value as an options file would hold it: numbers and true/false as such, anything else as text.
            owner[option.Key] = option.Kind switch
            {
                OptionKind.Number or OptionKind.WholeNumber when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
                    => JsonValue.Create(number),
                OptionKind.Boolean when bool.TryParse(text, out var flag) => JsonValue.Create(flag),
                _ => JsonValue.Create(text),
            };
        }

        return errors.Count > 0 ? new OptionsLoadResult(null, errors, source) : Load(tree, errors, source, context);
    }

    private static OptionsLoadResult Load(JsonObject? tree, List<OptionError> errors, string source, OptionsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (tree is null)
        {
            return new OptionsLoadResult(null, errors, source);
        }

        var options = OptionsBinder.Bind(tree, errors);

        // An option that did not bind keeps its default; checking that default again would only repeat its error.
        var unbound = errors.Select(e => e.Option).ToHashSet(StringComparer.Ordinal);
        var validation = new List<OptionError>();
        OptionsValidator.Validate(options, context, validation);
        // One error per option: the first says what to fix; a rule tying it to another option can wait.
        errors.AddRange(validation.Where(e => unbound.Add(e.Option)));
        return new OptionsLoadResult(options, errors, source);
    }

    private static OptionsLoadResult Failed(string source, string problem) =>
        new(null, [new OptionError(string.Empty, null, problem)], source);
}
