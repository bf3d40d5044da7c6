namespace Darkstar.Simulation.Home;

/// <summary>A service call as the simulated home received it.</summary>
/// <param name="EntityIds">The entities it targeted (from <c>target</c> and <c>service_data</c>).</param>
/// <param name="ServiceData">The service data as JSON text, <c>{}</c> when there was none.</param>
/// <param name="Failed">True when the call was refused by an injected fault.</param>
public sealed record ReceivedServiceCall(
    string Domain,
    string Service,
    IReadOnlyList<string> EntityIds,
    string ServiceData,
    DateTimeOffset At,
    bool Failed);
