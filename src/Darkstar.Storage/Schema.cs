namespace Darkstar.Storage;

/// <summary>The tables of the database, in the order DESIGN.md lists them (and statistics report them).</summary>
public static class Schema
{
    public const string SchemaVersion = "schema_version";
    public const string SensorTotals = "sensor_totals";
    public const string SlotObservations = "slot_observations";
    public const string Prices = "prices";
    public const string Weather = "weather";
    public const string DataQualityDaily = "data_quality_daily";
    public const string SlotForecasts = "slot_forecasts";
    public const string ModelRuns = "model_runs";
    public const string Plans = "plans";
    public const string SlotPlans = "slot_plans";
    public const string ExecutionLog = "execution_log";
    public const string OracleDailyResults = "oracle_daily_results";
    public const string TrainingEpisodes = "training_episodes";
    public const string AntaresTrainingRuns = "antares_training_runs";
    public const string UserSettings = "user_settings";
    public const string LabRuns = "lab_runs";
    public const string ManualBlocks = "manual_blocks";

    public static IReadOnlyList<string> TableNames { get; } =
    [
        SchemaVersion,
        SensorTotals,
        SlotObservations,
        Prices,
        Weather,
        DataQualityDaily,
        SlotForecasts,
        ModelRuns,
        Plans,
        SlotPlans,
        ExecutionLog,
        OracleDailyResults,
        TrainingEpisodes,
        AntaresTrainingRuns,
        UserSettings,
        LabRuns,
        ManualBlocks,
    ];
}
