using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Storage.Repositories;

/// <summary>Prices per slot. Fetching a slot's price again replaces it.</summary>
public sealed class PriceRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["slot_start"];

    private static readonly string[] ValueColumns = ["spot_price", "import_price", "export_price", "source", "fetched_at"];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.Prices, KeyColumns, ValueColumns);

    private static readonly string SelectSql = $"SELECT {SqlText.Columns([.. KeyColumns, .. ValueColumns])} FROM {Schema.Prices}";

    private static readonly string[] AllColumns = [.. KeyColumns, .. ValueColumns];

    /// <summary>Writes the prices in one transaction (a year of slots in a dataset import); returns how many were written.</summary>
    public Task<int> UpsertAsync(IEnumerable<SlotPrice> prices, CancellationToken cancellationToken) =>
        ExecutePreparedBatchAsync(UpsertSql, AllColumns, Bind, prices, cancellationToken);

    public Task<IReadOnlyList<SlotPrice>> ReadRangeAsync(SlotRange range, CancellationToken cancellationToken) =>
        QueryAsync<SlotPrice>(
            $"{SelectSql} WHERE slot_start >= @Start AND slot_start < @End ORDER BY slot_start;",
            new { range.Start, range.End },
            cancellationToken);

    /// <summary>The start of the last slot with a known price (how far ahead the planner can see), or null.</summary>
    public Task<DateTimeOffset?> ReadLatestSlotStartAsync(CancellationToken cancellationToken) =>
        QuerySingleOrDefaultAsync<DateTimeOffset?>($"SELECT MAX(slot_start) FROM {Schema.Prices};", null, cancellationToken);

    /// <summary>One price's values in the order of <see cref="AllColumns"/>, as the database stores them.</summary>
    private static void Bind(SlotPrice price, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(price);
        values[0] = InstantText.Format(RequireSlotStart(price.SlotStart, "A price"));
        values[1] = price.SpotPrice;
        values[2] = price.ImportPrice;
        values[3] = price.ExportPrice;
        values[4] = price.Source;
        values[5] = InstantText.Format(price.FetchedAt);
    }
}
