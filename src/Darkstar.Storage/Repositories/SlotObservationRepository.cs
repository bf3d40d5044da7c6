using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Storage.Repositories;

/// <summary>The 15-minute observations the ETL learns. Writing a slot again replaces it.</summary>
public sealed class SlotObservationRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] KeyColumns = ["slot_start"];

    private static readonly string[] ValueColumns =
    [
        "import_kwh", "export_kwh", "pv_kwh", "load_kwh", "water_kwh", "battery_charge_kwh", "battery_discharge_kwh",
        "soc_start_percent", "soc_end_percent", "import_price", "export_price", "quality_flags", "ev_kwh", "heat_pump_kwh",
    ];

    private static readonly string[] AllColumns = [.. KeyColumns, .. ValueColumns];

    private static readonly string UpsertSql = SqlText.Upsert(Schema.SlotObservations, KeyColumns, ValueColumns);

    private static readonly string SelectSql =
        $"SELECT {SqlText.Columns([.. KeyColumns, .. ValueColumns])} FROM {Schema.SlotObservations}";

    /// <summary>Writes the observations in one transaction; returns how many were written.</summary>
    public Task<int> UpsertAsync(IEnumerable<SlotObservation> observations, CancellationToken cancellationToken) =>
        ExecutePreparedBatchAsync(UpsertSql, AllColumns, Bind, observations, cancellationToken);

    /// <summary>The observations of the slots in <paramref name="range"/> that have one, in time order.</summary>
    public Task<IReadOnlyList<SlotObservation>> ReadRangeAsync(SlotRange range, CancellationToken cancellationToken) =>
        QueryAsync<SlotObservation>(
            $"{SelectSql} WHERE slot_start >= @Start AND slot_start < @End ORDER BY slot_start;",
            new { range.Start, range.End },
            cancellationToken);

    /// <summary>The start of the latest observed slot, or null when there is none.</summary>
    public Task<DateTimeOffset?> ReadLatestSlotStartAsync(CancellationToken cancellationToken) =>
        QuerySingleOrDefaultAsync<DateTimeOffset?>(
            $"SELECT MAX(slot_start) FROM {Schema.SlotObservations};", null, cancellationToken);

    /// <summary>The start of the earliest observed slot, or null when there is none.</summary>
    public Task<DateTimeOffset?> ReadEarliestSlotStartAsync(CancellationToken cancellationToken) =>
        QuerySingleOrDefaultAsync<DateTimeOffset?>(
            $"SELECT MIN(slot_start) FROM {Schema.SlotObservations};", null, cancellationToken);

    /// <summary>One observation's values in the order of <see cref="AllColumns"/>, as the database stores them.</summary>
    private static void Bind(SlotObservation observation, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(observation);
        values[0] = InstantText.Format(RequireSlotStart(observation.SlotStart, "An observation"));
        values[1] = observation.ImportKwh;
        values[2] = observation.ExportKwh;
        values[3] = observation.PvKwh;
        values[4] = observation.LoadKwh;
        values[5] = observation.WaterKwh;
        values[6] = observation.BatteryChargeKwh;
        values[7] = observation.BatteryDischargeKwh;
        values[8] = observation.SocStartPercent;
        values[9] = observation.SocEndPercent;
        values[10] = observation.ImportPrice;
        values[11] = observation.ExportPrice;
        values[12] = (long)observation.QualityFlags;
        values[13] = observation.EvKwh;
        values[14] = observation.HeatPumpKwh;
    }
}
