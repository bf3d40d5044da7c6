using System.Globalization;
using Dapper;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Storage;

/// <summary>How long each kind of row the database does not keep for good is kept, in days (<c>retention</c> options).</summary>
public sealed record RetentionHorizons(int ForecastIssuesDays, int PlansDays, int ExecutionLogDays, int EpisodesDays)
{
    public static RetentionHorizons From(RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RetentionHorizons(options.ForecastIssuesDays, options.PlansDays, options.ExecutionLogDays, options.EpisodesDays);
    }
}

/// <summary>Rows one clean-up removes (or would remove), per rule.</summary>
public sealed record RetentionCounts(long ForecastIssues, long PlanSlots, long WeatherForecasts, long ExecutionLog, long Episodes)
{
    public long Total => ForecastIssues + PlanSlots + WeatherForecasts + ExecutionLog + Episodes;

    /// <summary>Each rule by the table it removes from, as <c>db stats</c> and the log say it.</summary>
    public IReadOnlyDictionary<string, long> ByTable() => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        [Schema.SlotForecasts] = ForecastIssues,
        [Schema.SlotPlans] = PlanSlots,
        [Schema.Weather] = WeatherForecasts,
        [Schema.ExecutionLog] = ExecutionLog,
        [Schema.TrainingEpisodes] = Episodes,
    };

    public string Describe() => Total == 0
        ? "nothing to remove"
        : string.Join(", ", ByTable().Where(t => t.Value > 0).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Value} {t.Key}")));
}

/// <summary>
/// Retention and compaction: keeps what evaluation, the replays and the web UI read, removes the rest. Every rule works on
/// whole local days before a cutoff, so nothing of today, of the current plan or of the days still scored whole is touched,
/// and a second run removes nothing.
/// <list type="bullet">
/// <item><c>slot_forecasts</c>: every issue for <see cref="RetentionHorizons.ForecastIssuesDays"/> days (the forecast-error
/// sensor scores the last 7 days from every issue); before that, per version and slot, the day-ahead issue (the latest at
/// least <see cref="DayAheadLead"/> before the slot: the evaluation's 24–48 h band) and the hour-ahead one (the latest at
/// least <see cref="HourAheadLead"/> before it: its 0–24 h band). A replay on stored forecasts then plans on the latest
/// of those known at each plan time.</item>
/// <item><c>slot_plans</c>: plans created before <see cref="RetentionHorizons.PlansDays"/> days keep the slots they were
/// in charge of: their first, and those before the next plan's horizon. The plan rows stay.</item>
/// <item><c>weather</c>: a forecast row of a slot before today whose weather was observed.</item>
/// <item><c>execution_log</c> and <c>training_episodes</c> by age; the latest change of the executor's mode stays.</item>
/// </list>
/// </summary>
public sealed class DatabaseRetention(DarkstarDatabase database, RetentionHorizons horizons, TimeZoneInfo zone) : RepositoryBase(database)
{
    /// <summary>The day-ahead issue of a slot is the latest issued at least this long before it.</summary>
    public static readonly TimeSpan DayAheadLead = TimeSpan.FromHours(24);

    /// <summary>The hour-ahead issue of a slot is the latest issued at least this long before it.</summary>
    public static readonly TimeSpan HourAheadLead = TimeSpan.FromHours(1);

    private static readonly string ForecastRule = $"""
        {Schema.SlotForecasts} AS f WHERE f.slot_start >= @From AND f.slot_start < @To
          AND f.issued_at IS NOT {LatestIssueBefore(DayAheadLead)}
          AND f.issued_at IS NOT {LatestIssueBefore(HourAheadLead)}
        """;

    private static readonly string PlanRule = $"""
        {Schema.SlotPlans} AS s WHERE s.plan_id IN (SELECT id FROM {Schema.Plans} WHERE created_at >= @From AND created_at < @Cutoff)
          AND s.slot_start > (SELECT p.horizon_start FROM {Schema.Plans} AS p WHERE p.id = s.plan_id)
          AND s.slot_start >= (SELECT n.horizon_start FROM {Schema.Plans} AS n WHERE n.id > s.plan_id ORDER BY n.id LIMIT 1)
        """;

    private static readonly string WeatherRule = $"""
        {Schema.Weather} AS w WHERE w.kind = 'forecast' AND w.slot_start < @Cutoff
          AND EXISTS (SELECT 1 FROM {Schema.Weather} AS o WHERE o.slot_start = w.slot_start AND o.kind = 'observed')
        """;

    private static readonly string ExecutionLogRule = $"""
        {Schema.ExecutionLog} AS e WHERE e.executed_at < @Cutoff
          AND e.id IS NOT (SELECT MAX(m.id) FROM {Schema.ExecutionLog} AS m WHERE m.mode IS NOT NULL)
        """;

    private static readonly string EpisodeRule = $"{Schema.TrainingEpisodes} AS t WHERE t.day < @Day";

    // The latest issue of f's version and slot made at least lead before the slot (instants are text in one form).
    private static string LatestIssueBefore(TimeSpan lead) => string.Create(CultureInfo.InvariantCulture, $"""
        (SELECT MAX(g.issued_at) FROM {Schema.SlotForecasts} AS g
         WHERE g.forecast_version = f.forecast_version AND g.slot_start = f.slot_start
           AND g.issued_at <= strftime('%Y-%m-%dT%H:%M:%SZ', f.slot_start, '-{lead.TotalHours:0} hours'))
        """);

    private readonly RetentionHorizons _horizons = horizons ?? throw new ArgumentNullException(nameof(horizons));
    private readonly TimeZoneInfo _zone = zone ?? throw new ArgumentNullException(nameof(zone));

    /// <summary>What a clean-up at <paramref name="now"/> would remove, removing nothing.</summary>
    public async Task<RetentionCounts> PreviewAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cut = Cutoffs(now);
        return new RetentionCounts(
            await CountAsync(ForecastRule, new { From = DateTimeOffset.UnixEpoch, To = cut.Forecasts }, cancellationToken),
            await CountAsync(PlanRule, new { From = DateTimeOffset.UnixEpoch, Cutoff = cut.Plans }, cancellationToken),
            await CountAsync(WeatherRule, new { Cutoff = cut.Weather }, cancellationToken),
            await CountAsync(ExecutionLogRule, new { Cutoff = cut.ExecutionLog }, cancellationToken),
            await CountAsync(EpisodeRule, new { Day = cut.EpisodesDay }, cancellationToken));
    }

    /// <summary>
    /// Removes what <see cref="PreviewAsync"/> counts, forecasts a day at a time (short write transactions beside the
    /// running service), then hands the freed pages back to the file system. Forecast issues and plans before the cutoffs
    /// of the last completed clean-up (kept in <c>user_settings</c>) are done and not looked at again, so a clean-up's work
    /// is what a day adds, not what the years hold.
    /// </summary>
    public async Task<RetentionCounts> ApplyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cut = Cutoffs(now);
        var marks = new UserSettingRepository(Database);
        var forecastsDone = await ReadMarkAsync(marks, ForecastsDoneKey, cancellationToken);
        var plansDone = await ReadMarkAsync(marks, PlansDoneKey, cancellationToken);
        long forecasts = 0;
        var earliest = await QuerySingleOrDefaultAsync<DateTimeOffset?>(
            $"SELECT MIN(slot_start) FROM {Schema.SlotForecasts} WHERE slot_start >= @From;", new { From = forecastsDone }, cancellationToken);
        for (var from = earliest ?? cut.Forecasts; from < cut.Forecasts; from += TimeSpan.FromDays(1))
        {
            var to = from + TimeSpan.FromDays(1) < cut.Forecasts ? from + TimeSpan.FromDays(1) : cut.Forecasts;
            forecasts += await DeleteAsync(ForecastRule, new { From = from, To = to }, cancellationToken);
        }

        var removed = new RetentionCounts(
            forecasts,
            await DeleteAsync(PlanRule, new { From = plansDone, Cutoff = cut.Plans }, cancellationToken),
            await DeleteAsync(WeatherRule, new { Cutoff = cut.Weather }, cancellationToken),
            await DeleteAsync(ExecutionLogRule, new { Cutoff = cut.ExecutionLog }, cancellationToken),
            await DeleteAsync(EpisodeRule, new { Day = cut.EpisodesDay }, cancellationToken));
        await WriteMarkAsync(marks, ForecastsDoneKey, forecastsDone, cut.Forecasts, now, cancellationToken);
        await WriteMarkAsync(marks, PlansDoneKey, plansDone, cut.Plans, now, cancellationToken);
        if (removed.Total > 0)
        {
            await ReleaseFreePagesAsync(cancellationToken);
        }

        return removed;
    }

    /// <summary>The <c>user_settings</c> key of the instant before which every forecast issue has been reduced.</summary>
    public const string ForecastsDoneKey = "retention.forecasts_done_before";

    /// <summary>The <c>user_settings</c> key of the instant before which every plan has been compacted.</summary>
    public const string PlansDoneKey = "retention.plans_done_before";

    private static async Task<DateTimeOffset> ReadMarkAsync(UserSettingRepository marks, string key, CancellationToken cancellationToken) =>
        await marks.ReadAsync(key, cancellationToken) is { } text && InstantText.TryParse(text, out var done) ? done : DateTimeOffset.UnixEpoch;

    // Marks only move forward: a shorter horizon set later has nothing more to find before the old mark.
    private static async Task WriteMarkAsync(UserSettingRepository marks, string key, DateTimeOffset done, DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (cutoff > done)
        {
            await marks.UpsertAsync(key, InstantText.Format(cutoff), now, cancellationToken);
        }
    }

    private (DateTimeOffset Forecasts, DateTimeOffset Plans, DateTimeOffset Weather, DateTimeOffset ExecutionLog, DateOnly EpisodesDay) Cutoffs(DateTimeOffset now)
    {
        var today = SlotGrid.LocalDateOf(now, _zone);
        DateTimeOffset DaysBefore(int days) => SlotGrid.StartOfLocalDay(today.AddDays(-days), _zone);
        return (DaysBefore(_horizons.ForecastIssuesDays), DaysBefore(_horizons.PlansDays), DaysBefore(0),
            DaysBefore(_horizons.ExecutionLogDays), today.AddDays(-_horizons.EpisodesDays));
    }

    private async Task<long> CountAsync(string rule, object parameters, CancellationToken cancellationToken) =>
        await QuerySingleOrDefaultAsync<long>($"SELECT COUNT(*) FROM {rule};", parameters, cancellationToken);

    private Task<int> DeleteAsync(string rule, object parameters, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {rule};", parameters, cancellationToken);

    /// <summary>
    /// Gives the free pages back (an incremental vacuum; a file not yet switched to it keeps them for its next rows) and
    /// truncates the write-ahead log the deletions grew.
    /// </summary>
    private async Task ReleaseFreePagesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA incremental_vacuum;", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken: cancellationToken));
    }
}
