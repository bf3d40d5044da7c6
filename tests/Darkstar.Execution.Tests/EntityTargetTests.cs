using System.Text.Json;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Execution.Tests;

public sealed class EntityTargetTests
{
    private static EntityState State(string entityId, string state, string? attributesJson = null)
    {
        var attributes = attributesJson is null
            ? EntityState.EmptyAttributes
            : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(attributesJson)!;
        return new EntityState(entityId, state, attributes, TestPlans.Now, TestPlans.Now);
    }

    [Theory]
    [InlineData("3000", true)]
    [InlineData("3000.4", true)]
    [InlineData("3000.6", false)]
    [InlineData("2999", false)]
    [InlineData("unavailable", false)]
    [InlineData("unknown", false)]
    public void NumberValueTarget_IsSatisfiedBy_WithinHalfAStep(string state, bool satisfied)
    {
        var target = new NumberValueTarget(ActuatorRole.MaxChargePower, "number.max_charge", 3000, 1);

        Assert.Equal(satisfied, target.IsSatisfiedBy(State("number.max_charge", state)));
        Assert.False(target.IsSatisfiedBy(null));
    }

    [Fact]
    public void NumberValueTarget_ToServiceCall_SetValueOnTheEntity()
    {
        var call = new NumberValueTarget(ActuatorRole.SocTarget, "input_number.soc_target", 57, 1).ToServiceCall();

        Assert.Equal(("input_number", "set_value"), (call.Domain, call.Service));
        Assert.Equal("""{"value":57}""", call.ServiceData!.ToJsonString());
        Assert.Equal(["input_number.soc_target"], call.Target!.EntityIds!);
    }

    [Fact]
    public void SelectOptionTarget_ToServiceCall_SelectOptionInItsDomain()
    {
        var target = new SelectOptionTarget(ActuatorRole.WorkMode, "input_select.mode", "Force charge");
        var call = target.ToServiceCall();

        Assert.Equal("input_select.select_option", target.Service);
        Assert.Equal("""{"option":"Force charge"}""", call.ServiceData!.ToJsonString());
        Assert.True(target.IsSatisfiedBy(State("input_select.mode", "Force charge")));
        Assert.False(target.IsSatisfiedBy(State("input_select.mode", "force charge")));
    }

    [Theory]
    [InlineData(true, "turn_on", "on")]
    [InlineData(false, "turn_off", "off")]
    public void SwitchTarget_ToServiceCall_TurnOnOrOff(bool on, string service, string state)
    {
        var target = new SwitchTarget(ActuatorRole.GridCharging, "switch.grid_charging", on);

        Assert.Equal(service, target.ToServiceCall().Service);
        Assert.Null(target.ToServiceCall().ServiceData);
        Assert.True(target.IsSatisfiedBy(State("switch.grid_charging", state)));
        Assert.False(target.IsSatisfiedBy(State("switch.grid_charging", "unavailable")));
    }

    [Fact]
    public void WaterHeaterTemperatureTarget_IsSatisfiedBy_TheTemperatureAttribute()
    {
        var target = new WaterHeaterTemperatureTarget(ActuatorRole.WaterHeater, "water_heater.boiler", 65);

        Assert.True(target.IsSatisfiedBy(State("water_heater.boiler", "eco", """{"temperature": 65.0}""")));
        Assert.False(target.IsSatisfiedBy(State("water_heater.boiler", "eco", """{"temperature": 40}""")));
        Assert.False(target.IsSatisfiedBy(State("water_heater.boiler", "eco")));
        Assert.False(target.IsSatisfiedBy(State("water_heater.boiler", "unavailable", """{"temperature": 65}""")));
        Assert.Equal("""{"temperature":65}""", target.ToServiceCall().ServiceData!.ToJsonString());
    }

    [Theory]
    [InlineData("auto", ManualOverride.Auto)]
    [InlineData("force_charge", ManualOverride.ForceCharge)]
    [InlineData("force_discharge", ManualOverride.ForceDischarge)]
    [InlineData("hold", ManualOverride.Hold)]
    [InlineData("force_export", ManualOverride.ForceExport)]
    public void ManualOverrideText_Parse_TheSelectsWordsBothWays(string text, ManualOverride value)
    {
        Assert.Equal(value, ManualOverrideText.Parse(text));
        Assert.Equal(text, ManualOverrideText.ToText(value));
    }

    [Fact]
    public void ManualOverrideText_Parse_UnknownWord_ThrowsListingTheOptions()
    {
        var error = Assert.Throws<FormatException>(() => ManualOverrideText.Parse("Force Charge"));
        Assert.Contains("auto, force_charge, force_discharge, hold, force_export", error.Message, StringComparison.Ordinal);
    }
}
