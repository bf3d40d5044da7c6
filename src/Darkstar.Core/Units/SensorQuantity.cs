namespace Darkstar.Core.Units;

/// <summary>What a sensor measures, which decides the core unit it is converted into.</summary>
public enum SensorQuantity
{
    /// <summary>Energy, in kWh.</summary>
    Energy,

    /// <summary>Power, in kW.</summary>
    Power,

    /// <summary>Battery state of charge, in percent.</summary>
    StateOfCharge,

    /// <summary>Electricity price, in the home's currency per kWh.</summary>
    Price,
}
