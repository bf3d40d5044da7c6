namespace Darkstar.Core.Domain;

/// <summary>
/// The prices of one slot in the home's currency per kWh: the day-ahead spot price (null when the
/// source only gives the consumer price) and the import and export prices derived from it with the tariff.
/// </summary>
public sealed record SlotPrice
{
    public required DateTimeOffset SlotStart { get; init; }

    public double? SpotPrice { get; init; }

    public required double ImportPrice { get; init; }

    public required double ExportPrice { get; init; }

    /// <summary>Where the price came from, for example an entity id or a dataset name.</summary>
    public required string Source { get; init; }

    public required DateTimeOffset FetchedAt { get; init; }
}
