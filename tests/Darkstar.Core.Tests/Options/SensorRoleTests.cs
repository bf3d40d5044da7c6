using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Units;

namespace Darkstar.Core.Tests.Options;

public class SensorRoleTests
{
    [Fact]
    public void OptionKey_EveryRole_IsAnInputSensorsOption()
    {
        foreach (var role in Enum.GetValues<SensorRole>())
        {
            Assert.True(OptionsModel.TryGet("input_sensors." + SensorRoles.OptionKey(role), out _), role.ToString());
        }
    }

    [Fact]
    public void Mapped_EmbeddedDefault_ListsEveryRoleOnce()
    {
        var options = OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions();

        var mapped = SensorRoles.Mapped(options.InputSensors);

        // The simulated home has every kind of meter Darkstar reads.
        Assert.Equal(Enum.GetValues<SensorRole>(), mapped.Select(m => m.Role));
        Assert.Equal("sensor.darkstar_sim_grid_import_energy", mapped.Single(m => m.Role == SensorRole.TotalGridImport).EntityId);
    }

    [Fact]
    public void Mapped_UnsetRoles_AreLeftOut()
    {
        var mapped = SensorRoles.Mapped(new InputSensorOptions { TotalGridImport = "sensor.import", BatterySoc = "sensor.soc" });

        Assert.Equal([SensorRole.TotalGridImport, SensorRole.BatterySoc], mapped.Select(m => m.Role));
        Assert.Equal(SensorQuantity.StateOfCharge, mapped[1].Quantity);
        Assert.Equal(SensorQuantity.Energy, mapped[0].Quantity);
    }
}
