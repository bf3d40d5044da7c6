using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>The data-quality verdict per local day. Judging a day again replaces its verdict.</summary>
public sealed class DataQualityRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["day"];

    private static readonly string[] ValueColumns =
        ["status", "reason", "expected_slot_count", "observed_slot_count", "flagged_slot_count", "updated_at"];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.DataQualityDaily, KeyColumns, ValueColumns);

    private static readonly string Columns = SqlText.Columns([.. KeyColumns, .. ValueColumns]);

    public Task<int> UpsertAsync(IEnumerable<DayQuality> days, CancellationToken cancellationToken) =>
        ExecuteBatchAsync(UpsertSql, days.Select(Row.From), cancellationToken);

    /// <summary>The verdicts from <paramref name="firstDay"/> to <paramref name="lastDay"/>, both included, by day.</summary>
    public async Task<IReadOnlyList<DayQuality>> ReadRangeAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<Row>(
            $"SELECT {Columns} FROM {Schema.DataQualityDaily} WHERE day >= @FirstDay AND day <= @LastDay ORDER BY day;",
            new { FirstDay = firstDay, LastDay = lastDay },
            cancellationToken);
        return [.. rows.Select(r => r.ToRecord())];
    }

    // The status is snake_case text in the database ('mask_battery'), which Dapper cannot map to the enum.
    private sealed class Row
    {
        public DateOnly Day { get; set; }

        public string Status { get; set; } = string.Empty;

        public string? Reason { get; set; }

        public int ExpectedSlotCount { get; set; }

        public int ObservedSlotCount { get; set; }

        public int FlaggedSlotCount { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }

        public static Row From(DayQuality day)
        {
            ArgumentNullException.ThrowIfNull(day);
            return new Row
            {
                Day = day.Day,
                Status = EnumText<DayQualityStatus>.ToText(day.Status),
                Reason = day.Reason,
                ExpectedSlotCount = day.ExpectedSlotCount,
                ObservedSlotCount = day.ObservedSlotCount,
                FlaggedSlotCount = day.FlaggedSlotCount,
                UpdatedAt = day.UpdatedAt,
            };
        }

        public DayQuality ToRecord() => new()
        {
            Day = Day,
            Status = EnumText<DayQualityStatus>.Parse(Status),
            Reason = Reason,
            ExpectedSlotCount = ExpectedSlotCount,
            ObservedSlotCount = ObservedSlotCount,
            FlaggedSlotCount = FlaggedSlotCount,
            UpdatedAt = UpdatedAt,
        };
    }
}
