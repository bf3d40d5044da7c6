using System.Text.Json;
using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Options;

/// <summary><c>flexible_loads</c>: a list option, read from YAML and from the Supervisor's JSON, and its bad inputs, each named.</summary>
public sealed class FlexibleLoadOptionsTests
{
    private const string Dishwasher = """
          - name: dishwasher
            switch_entity: switch.dishwasher
            power_kw: 1.8
            kwh_per_day: 1.8
            earliest_start: "10:00"
            latest_end: "18:00"
            min_run_minutes: 60

        """;

    [Fact]
    public void Load_TwoLoads_BindsEachWithItsDefaults()
    {
        var options = OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads:\n" + Dishwasher + """
              - name: pool_pump
                switch_entity: input_boolean.pool_pump
                power_kw: 0.75
                kwh_per_day: 4.5
                max_starts_per_day: 3
                min_spacing_minutes: 180

            """)).GetValidOptions();

        Assert.Equal(2, options.FlexibleLoads.Count);
        var dishwasher = options.FlexibleLoads[0];
        Assert.Equal(("dishwasher", "switch.dishwasher", 1.8, 1.8), (dishwasher.Name, dishwasher.SwitchEntity, dishwasher.PowerKw, dishwasher.KwhPerDay));
        Assert.Equal((new TimeOnly(10, 0), new TimeOnly(18, 0), 60, 1, 0), (dishwasher.EarliestStart, dishwasher.LatestEnd, dishwasher.MinRunMinutes, dishwasher.MaxStartsPerDay, dishwasher.MinSpacingMinutes));
        var pump = options.FlexibleLoads[1];
        Assert.Equal((TimeOnly.MinValue, TimeOnly.MinValue, 15, 3, 180), (pump.EarliestStart, pump.LatestEnd, pump.MinRunMinutes, pump.MaxStartsPerDay, pump.MinSpacingMinutes));
        Assert.Equal(24 * 60, pump.WindowMinutes);
    }

    [Fact]
    public void LoadJson_SupervisorsArray_EqualsTheYaml()
    {
        var yaml = OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads:\n" + Dishwasher)).GetValidOptions();
        var json = OptionsPrinter.ToJsonObject(yaml);
        json["home_assistant"]!["token"] = OptionsSamples.Token;

        var fromJson = OptionsLoader.LoadJson(json.ToJsonString(), "options.json", OptionsContext.Standalone).GetValidOptions();

        Assert.Equal(yaml, fromJson);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(json.ToJsonString()).RootElement.GetProperty("flexible_loads").ValueKind);
    }

    [Fact]
    public void Print_Loads_ReadBackTheSame()
    {
        var options = OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads:\n" + Dishwasher)).GetValidOptions();
        var printed = OptionsPrinter.ToYaml(options).Replace(OptionsPrinter.Mask, OptionsSamples.Token, StringComparison.Ordinal);

        Assert.Contains("flexible_loads:", printed, StringComparison.Ordinal);
        Assert.Equal(options, OptionsSamples.LoadYaml(printed).GetValidOptions());
        Assert.Contains("flexible_loads: []", OptionsPrinter.ToYaml(new DarkstarOptions()), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_NoLoads_EqualAnEmptyList()
    {
        var options = OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads: []\n")).GetValidOptions();

        Assert.Empty(options.FlexibleLoads);
        Assert.Equal(OptionsSamples.LoadYaml(OptionsSamples.Minimal()).GetValidOptions(), options);
    }

    [Theory]
    // A window shorter than the run.
    [InlineData("earliest_start: \"10:00\"\n    latest_end: \"10:30\"\n    min_run_minutes: 60",
        "flexible_loads[1] (dishwasher).min_run_minutes = 60: is longer than the load's window 10:00–10:30 (30 minutes): move earliest_start or latest_end, or shorten the run")]
    // Energy that cannot fit its window at its power: 6 kWh at 1.8 kW is 3 h 30, the window 2 h.
    [InlineData("earliest_start: \"10:00\"\n    latest_end: \"12:00\"\n    kwh_per_day: 6",
        "flexible_loads[1] (dishwasher).kwh_per_day = 6: cannot fit in the load's window 10:00–12:00 at power_kw 1.8: 1 run(s) of 210 minutes (max_starts_per_day 1, starts min_spacing_minutes 0 apart) need 210 minutes, the window has 120; at most 3.6 kWh fit")]
    // Two runs whose spacing does not fit the window.
    [InlineData("earliest_start: \"10:00\"\n    latest_end: \"13:00\"\n    kwh_per_day: 3.6\n    max_starts_per_day: 2\n    min_spacing_minutes: 180",
        "flexible_loads[1] (dishwasher).kwh_per_day = 3.6: cannot fit in the load's window 10:00–13:00 at power_kw 1.8: 2 run(s) of 60 minutes (max_starts_per_day 2, starts min_spacing_minutes 180 apart) need 240 minutes, the window has 180; at most 5.4 kWh fit")]
    // A bad time.
    [InlineData("earliest_start: \"25:00\"", "flexible_loads[1] (dishwasher).earliest_start = 25:00: must be a time of day as HH:mm, e.g. 03:00")]
    [InlineData("latest_end: \"18:10\"", "flexible_loads[1] (dishwasher).latest_end = 18:10: must be on a quarter hour (minutes 00, 15, 30 or 45): the planner's slots are 15 minutes")]
    [InlineData("min_run_minutes: 50", "flexible_loads[1] (dishwasher).min_run_minutes = 50: must be a multiple of 15")]
    [InlineData("power_kw: 0", "flexible_loads[1] (dishwasher).power_kw = 0: must be greater than 0 and at most 50")]
    [InlineData("switch_entity: sensor.dishwasher", "flexible_loads[1] (dishwasher).switch_entity = sensor.dishwasher: must be an entity in the domain switch. or input_boolean., not sensor.")]
    [InlineData("name: Dish Washer", "flexible_loads[1] (Dish Washer).name = Dish Washer: must be a short name of lower-case letters, digits and underscores starting with a letter, e.g. dishwasher")]
    [InlineData("max_start_per_day: 2", "flexible_loads[1] (dishwasher).max_start_per_day: unknown key of a flexible_loads item (a typo?); did you mean max_starts_per_day?")]
    public void Load_BadLoad_OneErrorNamingTheLoadAndTheKey(string change, string expected)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads:\n" + WithChange(change))));

        Assert.Equal(expected, error.ToString());
    }

    [Fact]
    public void Load_MissingRequiredKeys_EachNamed()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            flexible_loads:
              - name: pump
                kwh_per_day: 2

            """));

        Assert.Equal(
            ["flexible_loads[1] (pump).switch_entity: missing: every flexible_loads item needs its switch_entity",
             "flexible_loads[1] (pump).power_kw: missing: every flexible_loads item needs its power_kw"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_DuplicateNameAndSwitch_NameTheOtherLoad()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads:\n" + Dishwasher + Dishwasher));

        Assert.Equal(
            ["flexible_loads[2] (dishwasher).name = dishwasher: is the name of flexible_loads[1] (dishwasher) too: give each load its own name",
             "flexible_loads[2] (dishwasher).switch_entity = switch.dishwasher: is already the switch of flexible_loads[1] (dishwasher): give each load its own switch"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_SwitchOfTheWaterHeater_Refused()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal(
            "executor:\n  water_heater_entity: switch.dishwasher\n", "flexible_loads:\n" + Dishwasher)));

        Assert.Equal("flexible_loads[1] (dishwasher).switch_entity = switch.dishwasher: is already the switch of executor.water_heater_entity: give each load its own switch", error.ToString());
    }

    [Theory]
    [InlineData("flexible_loads:\n  name: dishwasher\n", "flexible_loads = (a section): must be a list of items, each with name, switch_entity, power_kw, kwh_per_day, ... (an empty list [] for none)")]
    [InlineData("flexible_loads:\n  - dishwasher\n", "flexible_loads[1] = dishwasher: must be an item with its keys (name, switch_entity, power_kw, kwh_per_day, ...)")]
    public void Load_NotAListOfItems_SaysWhatItMustBe(string text, string expected)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal(text)));

        Assert.Equal(expected, error.ToString());
    }

    [Fact]
    public void Load_WindowPastMidnight_Fits()
    {
        var options = OptionsSamples.LoadYaml(OptionsSamples.Minimal("flexible_loads:\n" + WithChange("earliest_start: \"22:00\"\n    latest_end: \"02:00\"\n    kwh_per_day: 7.2"))).GetValidOptions();

        Assert.Equal(4 * 60, options.FlexibleLoads[0].WindowMinutes);
        Assert.Equal(new FlexibleLoadRuns(16, 16, 1), options.FlexibleLoads[0].Runs);
    }

    /// <summary>The dishwasher with each <c>key: value</c> line of <paramref name="change"/> replacing or adding to its own.</summary>
    private static string WithChange(string change)
    {
        var lines = Dishwasher.TrimEnd().Split('\n').ToList();
        foreach (var line in change.Split('\n'))
        {
            var key = line.Trim().Split(':')[0];
            var index = lines.FindIndex(l => l.TrimStart(' ', '-').StartsWith(key + ":", StringComparison.Ordinal));
            var indented = "    " + line.Trim();
            if (index < 0)
            {
                lines.Add(indented);
            }
            else
            {
                lines[index] = index == 0 ? "  - " + line.Trim() : indented;
            }
        }

        return string.Join('\n', lines) + "\n";
    }
}
