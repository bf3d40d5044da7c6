using System.Text.Json.Nodes;

namespace Darkstar.Simulation.Home;

/// <summary>Whether an action returns a response (Home Assistant's <c>SupportsResponse</c>).</summary>
public enum ServiceResponse
{
    None,
    Optional,
    Only,
}

/// <summary>One action the simulated home offers, described as <c>get_services</c> lists it.</summary>
public sealed record ServiceDescription(string Domain, string Service, string Name, string Description, IReadOnlyDictionary<string, string> Fields, bool HasTarget, ServiceResponse Response)
{
    public JsonObject ToJson()
    {
        var fields = new JsonObject();
        foreach (var (name, description) in Fields)
        {
            fields[name] = new JsonObject { ["name"] = name, ["description"] = description, ["required"] = true, ["selector"] = new JsonObject { ["text"] = null } };
        }

        var json = new JsonObject { ["name"] = Name, ["description"] = Description, ["fields"] = fields };
        if (HasTarget)
        {
            json["target"] = new JsonObject { ["entity"] = new JsonArray(new JsonObject { ["domain"] = new JsonArray(Domain) }) };
        }

        if (Response != ServiceResponse.None)
        {
            json["response"] = new JsonObject { ["optional"] = Response == ServiceResponse.Optional };
        }

        return json;
    }
}

/// <summary>The actions of the simulated home's integrations.</summary>
public static class ServiceCatalog
{
    private static readonly Dictionary<string, string> NoFields = [];

    public static IReadOnlyList<ServiceDescription> All { get; } =
    [
        new("select", "select_option", "Select", "Selects an option.", new Dictionary<string, string> { ["option"] = "Option to be selected." }, true, ServiceResponse.None),
        new("number", "set_value", "Set", "Sets the value of a number.", new Dictionary<string, string> { ["value"] = "The target value to set." }, true, ServiceResponse.None),
        new("switch", "turn_on", "Turn on", "Turns a switch on.", NoFields, true, ServiceResponse.None),
        new("switch", "turn_off", "Turn off", "Turns a switch off.", NoFields, true, ServiceResponse.None),
        new("switch", "toggle", "Toggle", "Toggles a switch on/off.", NoFields, true, ServiceResponse.None),
        new("input_boolean", "turn_on", "Turn on", "Turns on the helper.", NoFields, true, ServiceResponse.None),
        new("input_boolean", "turn_off", "Turn off", "Turns off the helper.", NoFields, true, ServiceResponse.None),
        new("input_boolean", "toggle", "Toggle", "Toggles the helper on/off.", NoFields, true, ServiceResponse.None),
        new("homeassistant", "turn_on", "Generic turn on", "Generic action to turn devices on under any domain.", NoFields, true, ServiceResponse.None),
        new("homeassistant", "turn_off", "Generic turn off", "Generic action to turn devices off under any domain.", NoFields, true, ServiceResponse.None),
        new("homeassistant", "toggle", "Generic toggle", "Generic action to toggle devices on/off under any domain.", NoFields, true, ServiceResponse.None),
        new("nordpool", "get_prices_for_date", "Get prices for date", "Retrieves the prices for a specific date.",
            new Dictionary<string, string> { ["config_entry"] = "The Nord Pool configuration entry.", ["date"] = "Only dates two months in the past and one day in the future are allowed.", ["areas"] = "One or multiple areas to get prices for." },
            false, ServiceResponse.Only),
    ];

    public static ServiceDescription? Find(string domain, string service) =>
        All.FirstOrDefault(s => s.Domain == domain && s.Service == service);

    /// <summary>The <c>get_services</c> result: <c>{domain: {service: description}}</c>.</summary>
    public static JsonObject ToJson()
    {
        var result = new JsonObject();
        foreach (var group in All.GroupBy(s => s.Domain))
        {
            var services = new JsonObject();
            foreach (var service in group)
            {
                services[service.Service] = service.ToJson();
            }

            result[group.Key] = services;
        }

        return result;
    }
}
