using System.Text.Json.Nodes;
using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Options;

public sealed class OptionsPrinterTests
{
    private const string MqttPassword = "m0squitt0-Pa55";

    private static DarkstarOptions WithSecrets() =>
        OptionsSamples.LoadYaml(OptionsSamples.Minimal($"""
            mqtt:
              host: core-mosquitto
              username: darkstar
              password: {MqttPassword}
            """)).GetValidOptions();

    [Fact]
    public void ToYaml_SecretsSet_MaskedAndNeverPrinted()
    {
        var yaml = OptionsPrinter.ToYaml(WithSecrets());

        Assert.DoesNotContain(OptionsSamples.Token, yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(MqttPassword, yaml, StringComparison.Ordinal);
        Assert.Contains("token: \"***\"", yaml, StringComparison.Ordinal);
        Assert.Contains("password: \"***\"", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonObject_SecretUnset_PrintedEmpty()
    {
        var tree = OptionsPrinter.ToJsonObject(OptionsSamples.LoadYaml(OptionsSamples.Minimal()).GetValidOptions());

        Assert.Equal("***", tree["home_assistant"]!["token"]!.GetValue<string>());
        Assert.Equal(string.Empty, tree["mqtt"]!["password"]!.GetValue<string>());
    }

    [Fact]
    public void ToJson_SecretsSet_MaskedAndNeverPrinted()
    {
        var json = OptionsPrinter.ToJson(WithSecrets());

        Assert.DoesNotContain(OptionsSamples.Token, json, StringComparison.Ordinal);
        Assert.DoesNotContain(MqttPassword, json, StringComparison.Ordinal);
        Assert.Equal("***", JsonNode.Parse(json)!["mqtt"]!["password"]!.GetValue<string>());
    }

    [Fact]
    public void ToYaml_EveryOption_PrintedUnderItsSection()
    {
        var yaml = OptionsPrinter.ToYaml(new DarkstarOptions());

        foreach (var option in OptionsModel.Options)
        {
            Assert.Contains($"{option.Key}:", yaml, StringComparison.Ordinal);
        }

        Assert.Contains("retrain_time: \"03:00\"", yaml, StringComparison.Ordinal);
        Assert.Contains("active_forecast_version: baseline_7_day_avg", yaml, StringComparison.Ordinal);
        Assert.Contains("max_charge_power_unit: W", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ToYaml_EmbeddedDefault_LoadsBackToTheSameOptionsSecretsAside()
    {
        var options = OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions();

        var reloaded = OptionsLoader.LoadYaml(OptionsPrinter.ToYaml(options), "printed.yaml", OptionsContext.Standalone);

        Assert.True(reloaded.IsValid, string.Join(" | ", reloaded.Errors));
        Assert.Equal(options with { HomeAssistant = options.HomeAssistant with { Token = OptionsPrinter.Mask } }, reloaded.Options);
    }

    [Fact]
    public void ToJson_EmbeddedDefault_LoadsBackToTheSameOptionsSecretsAside()
    {
        var options = OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions();

        var reloaded = OptionsLoader.LoadJson(OptionsPrinter.ToJson(options), "printed.json", OptionsContext.Standalone);

        Assert.True(reloaded.IsValid, string.Join(" | ", reloaded.Errors));
        Assert.Equal(options with { HomeAssistant = options.HomeAssistant with { Token = OptionsPrinter.Mask } }, reloaded.Options);
    }

    [Fact]
    public void ToYaml_TextThatLooksLikeAnotherType_IsQuoted()
    {
        var options = new DarkstarOptions
        {
            Executor = new ExecutorOptions
            {
                WorkModeCharge = "on",
                WorkModeDischarge = "123",
                WorkModeHold = "Hold: keep",
                WorkModeExport = "true",
                WorkModeSelfConsumption = "null",
            },
        };

        var reloaded = OptionsLoader.LoadYaml(OptionsPrinter.ToYaml(options), "printed.yaml", OptionsContext.AddOn);

        Assert.Equal(options.Executor, reloaded.Options!.Executor);
    }
}

public sealed class SecretsInErrorsTests
{
    private const string BadToken = "abc def-very-secret";

    [Fact]
    public void Load_BadTokenValue_ErrorMasksIt()
    {
        var yaml = $"home_assistant:\n  url: http://ha.local:8123\n  token: {BadToken}\n" + OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection;

        var result = OptionsSamples.LoadYaml(yaml);

        var error = OptionsSamples.SingleError(result);
        Assert.Equal("home_assistant.token", error.Option);
        Assert.Equal("***", error.Value);
        Assert.StartsWith("must be a single token without spaces", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", Assert.Throws<InvalidOptionsException>(result.GetValidOptions).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SecretOfWrongType_ErrorMasksIt()
    {
        var yaml = "home_assistant:\n  url: http://ha.local:8123\n  token: [very-secret]\n" + OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.Equal("home_assistant.token = ***: must be a single value, not a list", error.ToString());
    }

    [Fact]
    public void Load_MistypedSecretKey_ValueNotEchoed()
    {
        var yaml = OptionsSamples.Minimal("mqtt:\n  host: broker\n  username: u\n  pasword: very-secret\n");

        var result = OptionsSamples.LoadYaml(yaml);

        Assert.Contains(result.Errors, e => e.Option == "mqtt.pasword" && e.Problem.Contains("did you mean mqtt.password?", StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.DoesNotContain("very-secret", e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MalformedYamlWithSecretNearby_ReportsLineWithoutTheSecret()
    {
        var yaml = "home_assistant:\n  token: \"very-secret\n  url: http://ha.local:8123\n";

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.StartsWith("malformed YAML at line ", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadIndentation_ReportsTheLine()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml("battery:\n  capacity_kwh: 10\n   min_soc_percent: 5\n"));

        Assert.StartsWith("malformed YAML at line 3", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadJson_UnquotedSecret_MalformedErrorDoesNotEchoIt()
    {
        var error = OptionsSamples.SingleError(OptionsLoader.LoadJson("{ \"home_assistant\": { \"token\": very-secret } }", "options.json", OptionsContext.AddOn));

        Assert.StartsWith("malformed JSON at line 1, column", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("very", error.ToString(), StringComparison.Ordinal);
    }
}
