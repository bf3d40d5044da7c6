using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.Testing;
using YamlDotNet.RepresentationModel;

namespace Darkstar.Core.Tests.Options;

/// <summary>
/// The add-on manifest (config.yaml) and the options model must name the same options with the same types; the files
/// the add-on store shows beside it (translations, DOCS.md, icon, logo) and build.yaml must follow them.
/// </summary>
public sealed class AddOnManifestTests
{
    // Options the user must supply in the add-on UI: the loader reports them missing for the bare defaults.
    private static readonly string[] UserSuppliedOptions =
    [
        "input_sensors.total_grid_import",
        "input_sensors.total_grid_export",
        "input_sensors.total_load_consumption",
        "input_sensors.total_pv_production",
        "input_sensors.battery_soc",
        "pricing.nordpool_sensor",
    ];

    private static readonly Lazy<YamlMappingNode> Manifest = new(() => Load(RepositoryRoot.File("config.yaml")));

    [Fact]
    public void ConfigYaml_Options_LoadWithOnlyMissingUserSuppliedSensors()
    {
        var result = OptionsLoader.LoadYaml(Save(Section("options")), "config.yaml options", OptionsContext.AddOn);

        Assert.NotNull(result.Options);
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, error =>
        {
            Assert.Contains(error.Option, UserSuppliedOptions);
            Assert.StartsWith("missing:", error.Problem, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ConfigYaml_Options_EqualTheModelDefaults()
    {
        var result = OptionsLoader.LoadYaml(Save(Section("options")), "config.yaml options", OptionsContext.AddOn);

        Assert.Equal(new DarkstarOptions(), result.Options);
    }

    [Fact]
    public void ConfigYaml_Schema_NamesExactlyTheModelOptions()
    {
        var schema = Leaves(Section("schema")).Select(l => l.Path).Order(StringComparer.Ordinal);
        var model = OptionsModel.Options.Concat(OptionsModel.Lists.SelectMany(l => l.Items)).Select(o => o.Path).Order(StringComparer.Ordinal);

        Assert.Equal(model, schema);
    }

    [Fact]
    public void ConfigYaml_Schema_TypesMatchTheModel()
    {
        foreach (var (path, type) in Leaves(Section("schema")))
        {
            var option = OptionsModel.Get(path);
            var optional = type.EndsWith('?');
            var bare = optional ? type[..^1] : type;
            var name = bare.Split('(')[0];

            Assert.True(option.IsOptional == optional, $"{path}: the schema says {(optional ? "optional" : "required")}, the model {(option.IsOptional ? "nullable" : "not nullable")}");
            var compatible = option.Kind switch
            {
                OptionKind.Text => name is "str" or "match" or "password" or "url" or "email",
                OptionKind.WholeNumber => name is "int" or "port",
                OptionKind.Number => name is "float",
                OptionKind.Boolean => name is "bool",
                OptionKind.TimeOfDay => name is "match",
                OptionKind.Choice => name is "list",
                _ => false,
            };
            Assert.True(compatible, $"{path}: schema type {type} does not fit the model's {option.Kind}");

            if (option.Kind == OptionKind.Choice)
            {
                var values = bare["list(".Length..^1].Split('|').Order(StringComparer.Ordinal);
                Assert.Equal(option.AllowedValues.Order(StringComparer.Ordinal), values);
            }

            Assert.Equal(option.IsSecret, name == "password");
        }
    }

    [Fact]
    public void ConfigYaml_Schema_MatchPatternsAcceptTheSimulatedHome()
    {
        var options = OptionsLoader.LoadEmbeddedDefault(OptionsContext.AddOn).GetValidOptions();

        Assert.NotEmpty(options.FlexibleLoads);
        foreach (var (path, type) in Leaves(Section("schema")).Where(l => l.Type.StartsWith("match(", StringComparison.Ordinal)))
        {
            var option = OptionsModel.Get(path);
            // A list item's key: every item's value (the simulated home's flexible loads).
            var values = option.IsListItem
                ? OptionsModel.Lists.Single(l => l.Items.Contains(option)).GetItems(options).Select(item => OptionDescriptorText(option.GetItemValue(item)))
                : [option.FormatValue(options)];
            foreach (var value in values.OfType<string>())
            {
                var pattern = type.TrimEnd('?')["match(".Length..^1];
                Assert.True(System.Text.RegularExpressions.Regex.IsMatch(value, pattern), $"{path} = {value} does not match the schema's {pattern}");
            }
        }
    }

    [Fact]
    public void ConfigYaml_Options_AreTheSchemasRequiredKeysOnly()
    {
        var schema = Leaves(Section("schema")).ToDictionary(l => l.Path, l => l.Type, StringComparer.Ordinal);
        var options = Leaves(Section("options")).Select(l => l.Path).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(options.Except(schema.Keys, StringComparer.Ordinal));
        foreach (var (path, type) in schema.Where(s => !OptionsModel.Get(s.Key).IsListItem))
        {
            // The Supervisor rejects options without a value for a required key; optional ones stay out of `options`.
            Assert.True(options.Contains(path) != type.EndsWith('?'), $"{path} ({type}) is {(options.Contains(path) ? "in" : "missing from")} options");
        }

        // The Supervisor also requires every section of the schema to be present in `options`, empty or not.
        var optionSections = Section("options").Children.Where(c => c.Value is YamlMappingNode).Select(c => ((YamlScalarNode)c.Key).Value!);
        Assert.Equal(OptionsModel.SectionKeys.Order(StringComparer.Ordinal), optionSections.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ConfigYaml_Manifest_SetsNoKeyToItsDefault()
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["boot"] = "auto",
            ["startup"] = "application",
            ["stage"] = "stable",
            ["init"] = "true",
            ["hassio_api"] = "false",
            ["hassio_role"] = "default",
            ["homeassistant_api"] = "false",
            ["host_network"] = "false",
            ["ingress"] = "false",
            ["ingress_port"] = "8099",
            ["ingress_entry"] = "/",
            ["panel_icon"] = "mdi:puzzle",
            ["panel_admin"] = "true",
            ["auth_api"] = "false",
            ["advanced"] = "false",
            ["timeout"] = "10",
            ["apparmor"] = "true",
        };

        foreach (var (key, value) in Manifest.Value.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (value is YamlScalarNode scalar && defaults.TryGetValue(name, out var standard))
            {
                Assert.False(string.Equals(scalar.Value, standard, StringComparison.Ordinal), $"config.yaml sets {name} to its default {standard}");
            }
        }
    }

    [Fact]
    public void ConfigYaml_Manifest_DescribesTheAddOn()
    {
        Assert.Equal("Darkstar", Scalar("name"));
        Assert.Equal("darkstar", Scalar("slug"));
        Assert.Equal(typeof(DarkstarOptions).Assembly.GetName().Version!.ToString(3), Scalar("version"));
        Assert.Equal(["aarch64", "amd64"], ((YamlSequenceNode)Manifest.Value["arch"]).Children.Cast<YamlScalarNode>().Select(n => n.Value));
        Assert.Equal(["mqtt:need"], ((YamlSequenceNode)Manifest.Value["services"]).Children.Cast<YamlScalarNode>().Select(n => n.Value));
        Assert.Equal("false", Scalar("init"));
        Assert.Equal("true", Scalar("homeassistant_api"));
        Assert.Equal("true", Scalar("ingress"));
    }

    [Fact]
    public void ConfigYaml_Manifest_FollowsTheAddOnLinter()
    {
        var keys = Manifest.Value.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ToList();

        // The linter's rules beyond the defaults: the image's HEALTHCHECK instead of a watchdog, ingress instead of webui.
        Assert.DoesNotContain("watchdog", keys);
        Assert.DoesNotContain("webui", keys);
        // Built from the Dockerfile on the user's machine: no prebuilt image to name.
        Assert.DoesNotContain("image", keys);
        Assert.Contains("HEALTHCHECK", File.ReadAllText(RepositoryRoot.File("Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void Translations_NameAndDescribeEveryOptionOnce()
    {
        var configuration = (YamlMappingNode)Load(RepositoryRoot.File("addon", "translations", "en.yaml"))["configuration"];
        var translated = new List<string>();
        foreach (var (key, value) in configuration.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var entry = (YamlMappingNode)value;
            AssertNamedAndDescribed(name, entry);
            if (entry.Children.TryGetValue("fields", out var fields))
            {
                foreach (var (fieldKey, field) in ((YamlMappingNode)fields).Children)
                {
                    var path = $"{name}.{((YamlScalarNode)fieldKey).Value}";
                    AssertNamedAndDescribed(path, (YamlMappingNode)field);
                    translated.Add(path);
                }
            }
            else
            {
                translated.Add(name);
            }
        }

        var schema = Leaves(Section("schema")).Select(l => l.Path).Order(StringComparer.Ordinal);
        Assert.Equal(schema, translated.Order(StringComparer.Ordinal));
        // Each section of the schema has its own name and description too.
        Assert.All(OptionsModel.SectionKeys, section => Assert.True(configuration.Children.ContainsKey(section), $"en.yaml has no entry for the section {section}"));
    }

    [Fact]
    public void Docs_ShowEveryOptionWithAnExample()
    {
        var docs = File.ReadAllText(RepositoryRoot.File("addon", "DOCS.md"));

        // Every option appears as a YAML key in an example block.
        foreach (var (path, _) in Leaves(Section("schema")))
        {
            var key = path.Split('.')[^1];
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(docs, $@"(?m)^\s*{key}:"), $"DOCS.md has no example of {path}");
        }
    }

    [Fact]
    public void BuildYaml_BuildsFromTheDockerfilesBaseForEveryArchitecture()
    {
        var buildFrom = (YamlMappingNode)Load(RepositoryRoot.File("build.yaml"))["build_from"];
        var dockerfileDefault = File.ReadLines(RepositoryRoot.File("Dockerfile"))
            .Single(line => line.StartsWith("ARG BUILD_FROM=", StringComparison.Ordinal))["ARG BUILD_FROM=".Length..];

        var architectures = ((YamlSequenceNode)Manifest.Value["arch"]).Children.Cast<YamlScalarNode>().Select(n => n.Value).Order(StringComparer.Ordinal);
        Assert.Equal(architectures, buildFrom.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).Order(StringComparer.Ordinal));
        Assert.All(buildFrom.Children.Values, image => Assert.Equal(dockerfileDefault, ((YamlScalarNode)image).Value));
    }

    [Fact]
    public void StoreFiles_LieBesideConfigYamlAsLinksIntoAddOn()
    {
        // The Supervisor reads these from the folder of config.yaml; the repository keeps them in addon/.
        foreach (var name in (string[])["DOCS.md", "icon.png", "logo.png", "apparmor.txt", "translations"])
        {
            var link = new FileInfo(RepositoryRoot.File(name));
            Assert.Equal($"addon/{name}", link.LinkTarget);
            Assert.True(Path.Exists(RepositoryRoot.File("addon", name)), $"addon/{name} is missing");
        }

        Assert.Equal("Darkstar", ((YamlScalarNode)Load(RepositoryRoot.File("repository.yaml"))["name"]).Value);
    }

    [Theory]
    [InlineData("icon.png", 128, 128)]
    [InlineData("logo.png", 250, 100)]
    public void StoreImages_HaveTheStoresSizes(string name, int width, int height)
    {
        var header = new byte[24];
        using (var png = File.OpenRead(RepositoryRoot.File("addon", name)))
        {
            png.ReadExactly(header);
        }

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header[..8]);
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }

    private static void AssertNamedAndDescribed(string path, YamlMappingNode entry)
    {
        foreach (var field in (string[])["name", "description"])
        {
            Assert.True(entry.Children.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(((YamlScalarNode)value).Value), $"en.yaml: {path} has no {field}");
        }
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(string key) => ((YamlScalarNode)Manifest.Value[key]).Value;

    private static YamlMappingNode Section(string key) => (YamlMappingNode)Manifest.Value[key];

    private static string? OptionDescriptorText(object? value) => value switch
    {
        null => null,
        TimeOnly time => time.ToString("HH:mm", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The options or schema as paths and types: a section's keys as <c>section.key</c>, a list's item keys (the schema's
    /// one item, a dictionary) as <c>list.key</c>; a list of options (empty by default) has none.
    /// </summary>
    private static IEnumerable<(string Path, string Type)> Leaves(YamlMappingNode root)
    {
        foreach (var (key, value) in root.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (value is YamlSequenceNode list)
            {
                foreach (var item in list.Children.OfType<YamlMappingNode>().Take(1))
                {
                    foreach (var (childKey, childValue) in item.Children)
                    {
                        yield return ($"{name}.{((YamlScalarNode)childKey).Value}", ((YamlScalarNode)childValue).Value ?? string.Empty);
                    }
                }
            }
            else if (value is YamlMappingNode section)
            {
                foreach (var (childKey, childValue) in section.Children)
                {
                    yield return ($"{name}.{((YamlScalarNode)childKey).Value}", ((YamlScalarNode)childValue).Value ?? string.Empty);
                }
            }
            else
            {
                yield return (name, ((YamlScalarNode)value).Value ?? string.Empty);
            }
        }
    }

    private static string Save(YamlNode node)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
