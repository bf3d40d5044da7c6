using Darkstar.Core.Options;

namespace Darkstar.Core.Loops;

// What one part of the service asks of another across libraries that do not reference each other: the part that owns
// the work implements it and registers itself under it; the part that needs it asks the container.

/// <summary>The live recorder, as the parts that wait for it to have read the home's past see it.</summary>
public interface IHomeHistoryReader
{
    /// <summary>Completes once the recorder follows the sensors live: the home's past (or the gap since the last run) is read.</summary>
    Task WaitUntilFollowingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The battery's SoC now, as the planner sees it: a plan made at a slot boundary starts from the SoC then, not from the
/// last closed slot's (the recorder closes a slot a few seconds after its boundary).
/// </summary>
public interface ILiveSoc
{
    /// <summary>Asks Home Assistant for the SoC sensor's state: its SoC (percent) and when it was reported; null when it is unknown or cannot be read.</summary>
    Task<(DateTimeOffset At, double Percent)?> ReadSocAsync(CancellationToken cancellationToken);
}

/// <summary>The price reader, as the planner sees it: at start it may have to read the prices before the recorder did.</summary>
public interface IPriceRefresher
{
    /// <summary>Reads the prices now; returns the number of slots written.</summary>
    Task<int> RefreshPricesAsync(CancellationToken cancellationToken);
}

/// <summary>Which stored forecast version an option value means (Aurora's forecasts are stored as its current <c>aurora_vN</c>).</summary>
public interface IForecastVersionResolver
{
    Task<string> ResolveForecastVersionAsync(ForecastVersion version, CancellationToken cancellationToken);
}

/// <summary>Told after every forecast round that stored forecasts: the web UI's live updates.</summary>
public interface IForecastListener
{
    void ForecastIssued(DateTimeOffset issuedAt, IReadOnlyCollection<string> versions);
}
