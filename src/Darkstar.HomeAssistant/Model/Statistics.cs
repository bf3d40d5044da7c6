using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;

namespace Darkstar.HomeAssistant.Model;

/// <summary>The length of one row of long-term statistics.</summary>
public enum StatisticsPeriod
{
    FiveMinutes,
    Hour,
    Day,
    Week,
    Month,
}

/// <summary>The columns to ask for; Home Assistant leaves the others out of each row.</summary>
[Flags]
public enum StatisticTypes
{
    None = 0,
    Change = 1,
    Sum = 2,
    Mean = 4,
    State = 8,
    Min = 16,
    Max = 32,
    All = Change | Sum | Mean | State | Min | Max,
}

/// <summary>A <c>recorder/statistics_during_period</c> request.</summary>
/// <param name="Units">Units to convert into, by unit class (e.g. <c>energy</c> → <c>kWh</c>); null keeps each statistic's own.</param>
public sealed record StatisticsRequest(
    IReadOnlyCollection<string> StatisticIds,
    DateTimeOffset Start,
    DateTimeOffset? End,
    StatisticsPeriod Period,
    StatisticTypes Types = StatisticTypes.All,
    IReadOnlyDictionary<string, string>? Units = null)
{
    internal JsonObject ToCommand()
    {
        if (StatisticIds.Count == 0)
        {
            throw new ArgumentException("At least one statistic id is needed.", nameof(StatisticIds));
        }

        var command = new JsonObject
        {
            ["type"] = "recorder/statistics_during_period",
            ["start_time"] = InstantText.Format(Start),
            ["statistic_ids"] = new JsonArray([.. StatisticIds.Select(id => (JsonNode?)JsonValue.Create(id))]),
            ["period"] = PeriodText(Period),
        };
        if (End is { } end)
        {
            command["end_time"] = InstantText.Format(end);
        }

        if (Types != StatisticTypes.All)
        {
            command["types"] = new JsonArray([.. TypeNames(Types).Select(name => (JsonNode?)JsonValue.Create(name))]);
        }

        if (Units is { Count: > 0 })
        {
            var units = new JsonObject();
            foreach (var (unitClass, unit) in Units)
            {
                units[unitClass] = unit;
            }

            command["units"] = units;
        }

        return command;
    }

    internal static string PeriodText(StatisticsPeriod period) => period switch
    {
        StatisticsPeriod.FiveMinutes => "5minute",
        StatisticsPeriod.Hour => "hour",
        StatisticsPeriod.Day => "day",
        StatisticsPeriod.Week => "week",
        StatisticsPeriod.Month => "month",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown statistics period."),
    };

    internal static IEnumerable<string> TypeNames(StatisticTypes types)
    {
        if (types.HasFlag(StatisticTypes.Change))
        {
            yield return "change";
        }

        if (types.HasFlag(StatisticTypes.Sum))
        {
            yield return "sum";
        }

        if (types.HasFlag(StatisticTypes.Mean))
        {
            yield return "mean";
        }

        if (types.HasFlag(StatisticTypes.State))
        {
            yield return "state";
        }

        if (types.HasFlag(StatisticTypes.Min))
        {
            yield return "min";
        }

        if (types.HasFlag(StatisticTypes.Max))
        {
            yield return "max";
        }
    }
}

/// <summary>One row of long-term statistics; a column that was not asked for or has no value is null.</summary>
public sealed record StatisticsRow(
    DateTimeOffset Start,
    DateTimeOffset End,
    double? Mean,
    double? Min,
    double? Max,
    double? State,
    double? Sum,
    double? Change,
    DateTimeOffset? LastReset)
{
    /// <summary>
    /// Parses the result of <c>recorder/statistics_during_period</c>: statistic id → rows, where
    /// <c>start</c>, <c>end</c> and <c>last_reset</c> are epoch milliseconds (older versions wrote ISO text; both are read).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<StatisticsRow>> ParseResult(JsonElement result)
    {
        var parsed = new Dictionary<string, IReadOnlyList<StatisticsRow>>(StringComparer.Ordinal);
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw new HomeAssistantProtocolException($"Statistics must be an object by statistic id, not {result.ValueKind}.");
        }

        foreach (var statistic in result.EnumerateObject())
        {
            if (statistic.Value.ValueKind != JsonValueKind.Array)
            {
                throw new HomeAssistantProtocolException($"The statistics of {statistic.Name} are not an array.");
            }

            parsed[statistic.Name] = [.. statistic.Value.EnumerateArray().Select(row => ParseRow(statistic.Name, row))];
        }

        return parsed;
    }

    internal static StatisticsRow ParseRow(string statisticId, JsonElement row) =>
        new(
            ReadInstant(row, "start") ?? throw new HomeAssistantProtocolException($"A statistics row of {statisticId} has no start."),
            ReadInstant(row, "end") ?? throw new HomeAssistantProtocolException($"A statistics row of {statisticId} has no end."),
            Json.GetDouble(row, "mean"),
            Json.GetDouble(row, "min"),
            Json.GetDouble(row, "max"),
            Json.GetDouble(row, "state"),
            Json.GetDouble(row, "sum"),
            Json.GetDouble(row, "change"),
            ReadInstant(row, "last_reset"));

    private static DateTimeOffset? ReadInstant(JsonElement row, string name)
    {
        if (!row.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => Json.FromEpochMilliseconds(value.GetDouble()),
            JsonValueKind.String => InstantText.TryParse(value.GetString(), out var instant)
                ? instant
                : throw new HomeAssistantProtocolException($"Statistics field {name} '{value.GetString()}' is not an instant."),
            _ => null,
        };
    }
}

/// <summary>One statistic the recorder keeps, from <c>recorder/list_statistic_ids</c>.</summary>
public sealed record StatisticMetadata(
    string StatisticId,
    string? Name,
    string? Source,
    string? StatisticsUnitOfMeasurement,
    string? DisplayUnitOfMeasurement,
    string? UnitClass,
    bool HasMean,
    bool HasSum)
{
    public static IReadOnlyList<StatisticMetadata> ParseList(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Array)
        {
            throw new HomeAssistantProtocolException($"The statistic ids must be an array, not {result.ValueKind}.");
        }

        return [.. result.EnumerateArray().Select(item => new StatisticMetadata(
            Json.GetString(item, "statistic_id") ?? throw new HomeAssistantProtocolException("A statistic has no statistic_id."),
            Json.GetString(item, "name"),
            Json.GetString(item, "source"),
            Json.GetString(item, "statistics_unit_of_measurement"),
            Json.GetString(item, "display_unit_of_measurement"),
            Json.GetString(item, "unit_class"),
            // Newer versions replace has_mean with mean_type (0 none, 1 arithmetic, 2 circular).
            Json.GetBoolean(item, "has_mean") ?? (Json.GetInt64(item, "mean_type") is > 0),
            Json.GetBoolean(item, "has_sum") ?? false))];
    }
}
