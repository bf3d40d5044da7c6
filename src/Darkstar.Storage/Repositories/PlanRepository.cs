using Dapper;
using Darkstar.Core.Domain;

namespace Darkstar.Storage.Repositories;

/// <summary>Plans and their slots. A plan is written with all its slots in one transaction; deleting a plan deletes its slots.</summary>
public sealed class PlanRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string[] PlanColumns =
    [
        "created_at", "horizon_start", "horizon_end", "slot_count", "forecast_version", "solver_status", "solve_ms",
        "objective", "initial_soc_percent",
    ];

    private static readonly string[] SlotColumns =
    [
        "plan_id", "slot_start", "charge_kwh", "discharge_kwh", "import_kwh", "export_kwh", "curtail_kwh", "water_kwh",
        "shed_kwh", "soc_end_percent", "water_on", "import_price", "export_price", "cost", "action",
        "manual_block", "car_kwh", "flexible_load_kwh",
    ];

    private static readonly string InsertPlanSql = SqlText.InsertReturningId(Schema.Plans, PlanColumns);

    private static readonly string InsertSlotSql =
        $"INSERT INTO {Schema.SlotPlans} ({SqlText.Columns(SlotColumns)}) VALUES ({string.Join(", ", SlotColumns.Select(SqlText.Parameter))});";

    private static readonly string SelectPlanSql = $"SELECT id, {SqlText.Columns(PlanColumns)} FROM {Schema.Plans}";

    /// <summary>
    /// Writes <paramref name="plan"/> and its <paramref name="slots"/> (their <see cref="SlotPlan.PlanId"/> is
    /// ignored and set to the new plan's id) in one transaction; returns the new plan's id.
    /// </summary>
    public async Task<long> InsertAsync(Plan plan, IEnumerable<SlotPlan> slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(slots);
        return await InTransactionAsync(
            async (connection, transaction) =>
            {
                var planId = await connection.ExecuteScalarAsync<long>(
                    new CommandDefinition(InsertPlanSql, PlanRow.From(plan), transaction, cancellationToken: cancellationToken));
                var rows = slots.Select(s =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    return SlotRow.From(s with { PlanId = planId });
                });
                await connection.ExecuteAsync(new CommandDefinition(InsertSlotSql, rows, transaction, cancellationToken: cancellationToken));
                return planId;
            },
            cancellationToken);
    }

    public async Task<Plan?> ReadAsync(long planId, CancellationToken cancellationToken) =>
        (await QuerySingleOrDefaultAsync<PlanRow>($"{SelectPlanSql} WHERE id = @Id;", new { Id = planId }, cancellationToken))?.ToRecord();

    /// <summary>The plan created last, or null when there is none.</summary>
    public async Task<Plan?> ReadLatestAsync(CancellationToken cancellationToken) =>
        (await QuerySingleOrDefaultAsync<PlanRow>($"{SelectPlanSql} ORDER BY created_at DESC, id DESC LIMIT 1;", null, cancellationToken))?.ToRecord();

    /// <summary>The slots of a plan in time order.</summary>
    public async Task<IReadOnlyList<SlotPlan>> ReadSlotsAsync(long planId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<SlotRow>(
            $"SELECT {SqlText.Columns(SlotColumns)} FROM {Schema.SlotPlans} WHERE plan_id = @PlanId ORDER BY slot_start;",
            new { PlanId = planId },
            cancellationToken);
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// <summary>
    /// Each flexible load's energy in the slots of [<paramref name="from"/>, <paramref name="to"/>) as the plan in charge
    /// of each slot had it (the latest plan whose horizon began at or before the slot: the one the executor followed),
    /// by slot start; slots without a plan or without a load running are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<DateTimeOffset, IReadOnlyDictionary<string, double>>> ReadFlexibleLoadsInChargeAsync(
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<FlexibleLoadRow>(
            $"""
            SELECT s.slot_start AS SlotStart, s.flexible_load_kwh AS FlexibleLoadKwh FROM {Schema.SlotPlans} AS s
            WHERE s.slot_start >= @From AND s.slot_start < @To AND s.flexible_load_kwh IS NOT NULL
              AND s.plan_id = (SELECT p.id FROM {Schema.Plans} AS p WHERE p.horizon_start <= s.slot_start ORDER BY p.id DESC LIMIT 1);
            """,
            new { From = from, To = to },
            cancellationToken);
        return rows.ToDictionary(r => r.SlotStart, r => FlexibleLoadJson.Parse(r.FlexibleLoadKwh));
    }

    /// <summary>Deletes the plans created before <paramref name="createdBefore"/> and their slots; returns how many plans.</summary>
    public Task<int> DeleteCreatedBeforeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {Schema.Plans} WHERE created_at < @CreatedBefore;", new { CreatedBefore = createdBefore }, cancellationToken);

    private sealed class FlexibleLoadRow
    {
        public DateTimeOffset SlotStart { get; set; }

        public string? FlexibleLoadKwh { get; set; }
    }

    // The solver status is text in the database; Dapper would write the enum as a number.
    private sealed class PlanRow
    {
        public long Id { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset HorizonStart { get; set; }

        public DateTimeOffset HorizonEnd { get; set; }

        public int SlotCount { get; set; }

        public string ForecastVersion { get; set; } = string.Empty;

        public string SolverStatus { get; set; } = string.Empty;

        public double SolveMs { get; set; }

        public double? Objective { get; set; }

        public double InitialSocPercent { get; set; }

        public static PlanRow From(Plan plan)
        {
            ArgumentNullException.ThrowIfNull(plan);
            return new PlanRow
            {
                CreatedAt = plan.CreatedAt,
                HorizonStart = plan.HorizonStart,
                HorizonEnd = plan.HorizonEnd,
                SlotCount = plan.SlotCount,
                ForecastVersion = plan.ForecastVersion,
                SolverStatus = EnumText<SolveStatus>.ToText(plan.SolverStatus),
                SolveMs = plan.SolveMs,
                Objective = plan.Objective,
                InitialSocPercent = plan.InitialSocPercent,
            };
        }

        public Plan ToRecord() => new()
        {
            Id = Id,
            CreatedAt = CreatedAt,
            HorizonStart = HorizonStart,
            HorizonEnd = HorizonEnd,
            SlotCount = SlotCount,
            ForecastVersion = ForecastVersion,
            SolverStatus = EnumText<SolveStatus>.Parse(SolverStatus),
            SolveMs = SolveMs,
            Objective = Objective,
            InitialSocPercent = InitialSocPercent,
        };
    }

    // The action is text in the database; Dapper would write the enum as a number.
    private sealed class SlotRow
    {
        public long PlanId { get; set; }

        public DateTimeOffset SlotStart { get; set; }

        public double ChargeKwh { get; set; }

        public double DischargeKwh { get; set; }

        public double ImportKwh { get; set; }

        public double ExportKwh { get; set; }

        public double CurtailKwh { get; set; }

        public double WaterKwh { get; set; }

        public double ShedKwh { get; set; }

        public double SocEndPercent { get; set; }

        public bool WaterOn { get; set; }

        public double ImportPrice { get; set; }

        public double ExportPrice { get; set; }

        public double Cost { get; set; }

        public string Action { get; set; } = string.Empty;

        public string? ManualBlock { get; set; }

        public double CarKwh { get; set; }

        public string? FlexibleLoadKwh { get; set; }

        public static SlotRow From(SlotPlan slot)
        {
            ArgumentNullException.ThrowIfNull(slot);
            return new SlotRow
            {
                PlanId = slot.PlanId,
                SlotStart = RequireSlotStart(slot.SlotStart, "A plan slot"),
                ChargeKwh = slot.ChargeKwh,
                DischargeKwh = slot.DischargeKwh,
                ImportKwh = slot.ImportKwh,
                ExportKwh = slot.ExportKwh,
                CurtailKwh = slot.CurtailKwh,
                WaterKwh = slot.WaterKwh,
                ShedKwh = slot.ShedKwh,
                SocEndPercent = slot.SocEndPercent,
                WaterOn = slot.WaterOn,
                ImportPrice = slot.ImportPrice,
                ExportPrice = slot.ExportPrice,
                Cost = slot.Cost,
                Action = EnumText<PlannedAction>.ToText(slot.Action),
                ManualBlock = slot.ManualBlock is { } block ? BlockActionText.Of(block) : null,

                CarKwh = slot.CarKwh,
                FlexibleLoadKwh = FlexibleLoadJson.Format(slot.FlexibleLoadKwh),
            };
        }

        public SlotPlan ToRecord() => new()
        {
            PlanId = PlanId,
            SlotStart = SlotStart,
            ChargeKwh = ChargeKwh,
            DischargeKwh = DischargeKwh,
            ImportKwh = ImportKwh,
            ExportKwh = ExportKwh,
            CurtailKwh = CurtailKwh,
            WaterKwh = WaterKwh,
            ShedKwh = ShedKwh,
            SocEndPercent = SocEndPercent,
            WaterOn = WaterOn,
            ImportPrice = ImportPrice,
            ExportPrice = ExportPrice,
            Cost = Cost,
            Action = EnumText<PlannedAction>.Parse(Action),
            ManualBlock = BlockActionText.TryParse(ManualBlock, out var block) ? block : null,

            CarKwh = CarKwh,
            FlexibleLoadKwh = FlexibleLoadJson.Parse(FlexibleLoadKwh),
        };
    }
}

/// <summary><c>slot_plans.flexible_load_kwh</c>: kWh by load name as a JSON object; NULL for none.</summary>
internal static class FlexibleLoadJson
{
    public static string? Format(IReadOnlyDictionary<string, double> kwh) =>
        kwh.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(kwh);

    public static IReadOnlyDictionary<string, double> Parse(string? json) =>
        string.IsNullOrEmpty(json)
            ? SlotPlan.NoFlexibleLoads
            : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? SlotPlan.NoFlexibleLoads;
}
