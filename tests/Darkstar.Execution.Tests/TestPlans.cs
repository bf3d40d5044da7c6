using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Execution;

namespace Darkstar.Execution.Tests;

/// <summary>The simulated home's options, and plans and inputs built around one instant.</summary>
internal static class TestPlans
{
    /// <summary>A winter Monday noon in Stockholm, as the simulated home's tests use it.</summary>
    public static readonly DateTimeOffset SlotStart = new(2026, 1, 12, 11, 0, 0, TimeSpan.Zero);

    /// <summary>A minute into <see cref="SlotStart"/>'s slot.</summary>
    public static readonly DateTimeOffset Now = SlotStart.AddMinutes(1);

    /// <summary>The simulated home's options without its car and its dishwasher (their own tests turn them on: <see cref="WithCar"/>).</summary>
    public static DarkstarOptions SimulatedHomeOptions { get; } = WithoutCar(OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions());

    /// <summary>The simulated home's options with its car and its dishwasher (a flexible load), as <c>serve --simulate</c> runs it.</summary>
    public static DarkstarOptions WithCar { get; } = OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions();

    private static DarkstarOptions WithoutCar(DarkstarOptions options) => options with { Car = options.Car with { Enabled = false }, FlexibleLoads = [] };

    public static ExecutorRuntimeSettings LiveSettings(DarkstarOptions? options = null) =>
        ExecutorRuntimeSettings.FromOptions(options ?? SimulatedHomeOptions) with { ExecutorEnabled = true, ShadowMode = false, Override = ManualOverride.Auto };

    public static Plan Plan(DateTimeOffset? createdAt = null, SolveStatus solverStatus = SolveStatus.Optimal, int slotCount = 8) => new()
    {
        Id = 42,
        CreatedAt = createdAt ?? SlotStart,
        HorizonStart = SlotStart,
        HorizonEnd = SlotStart.AddMinutes(15 * slotCount),
        SlotCount = slotCount,
        ForecastVersion = "baseline_7_day_avg",
        SolverStatus = solverStatus,
        SolveMs = 12,
        Objective = solverStatus.HasSolution() ? 3.5 : null,
        InitialSocPercent = 50,
    };

    public static SlotPlan Slot(
        PlannedAction action,
        double chargeKwh = 0,
        double dischargeKwh = 0,
        double importKwh = 0,
        double exportKwh = 0,
        double socEndPercent = 50,
        bool waterOn = false,
        DateTimeOffset? start = null) => new()
        {
            PlanId = 42,
            SlotStart = start ?? SlotStart,
            ChargeKwh = chargeKwh,
            DischargeKwh = dischargeKwh,
            ImportKwh = importKwh,
            ExportKwh = exportKwh,
            CurtailKwh = 0,
            WaterKwh = waterOn ? 0.75 : 0,
            ShedKwh = 0,
            SocEndPercent = socEndPercent,
            WaterOn = waterOn,
            ImportPrice = 1.2,
            ExportPrice = 0.5,
            Cost = 0.4,
            Action = action,
        };

    /// <summary>A charge of 3 kW from the grid up to 57 %, with the water heater on.</summary>
    public static SlotPlan GridCharge() => Slot(PlannedAction.Charge, chargeKwh: 0.75, importKwh: 1.1, socEndPercent: 57, waterOn: true);

    public static ExecutorInputs Inputs(SlotPlan? slot, ExecutorRuntimeSettings? settings = null, double? socPercent = 50, Plan? plan = null, bool connected = true) => new()
    {
        Now = Now,
        Settings = settings ?? LiveSettings(),
        HomeAssistantConnected = connected,
        Plan = plan ?? (slot is null ? null : Plan()),
        CurrentSlot = slot,
        MeasuredSocPercent = socPercent,
    };
}
