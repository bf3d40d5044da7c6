using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Execution.Tests;

/// <summary>An executor tick on a real, migrated SQLite database in a temporary folder, with a fake clock.</summary>
internal sealed class ExecutorHarness : IDisposable
{
    /// <summary>A bound on every real wait, generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _folder;

    private ExecutorHarness(TempDirectory folder, DarkstarDatabase database, DarkstarOptions options, IHomeAssistantGateway gateway, FakeTimeProvider clock, CommandRetryPolicy? retry)
    {
        _folder = folder;
        Options = options;
        Clock = clock;
        Plans = new PlanRepository(database);
        Log = new ExecutionLogRepository(database);
        Settings = new ExecutorSettingsHolder(TestPlans.LiveSettings(options));
        Tick = new ExecutorTick(options, Plans, Log, gateway, Settings, clock, NullLogger<ExecutorTick>.Instance, retry);
    }

    public DarkstarOptions Options { get; }

    public FakeTimeProvider Clock { get; }

    public PlanRepository Plans { get; }

    public ExecutionLogRepository Log { get; }

    public ExecutorSettingsHolder Settings { get; }

    public ExecutorTick Tick { get; }

    public static async Task<ExecutorHarness> CreateAsync(IHomeAssistantGateway gateway, DarkstarOptions? options = null, CommandRetryPolicy? retry = null)
    {
        var folder = new TempDirectory();
        var clock = new FakeTimeProvider(TestPlans.Now);
        var database = new DarkstarDatabase(folder.File("darkstar.db"));
        await new SchemaMigrator(database, clock).MigrateAsync(CancellationToken.None).WaitAsync(Patience);
        return new ExecutorHarness(folder, database, options ?? TestPlans.SimulatedHomeOptions, gateway, clock, retry);
    }

    /// <summary>Writes a plan of <paramref name="slotCount"/> slots from <see cref="TestPlans.SlotStart"/>, each like <paramref name="slot"/>.</summary>
    public Task<long> WritePlanAsync(SlotPlan slot, DateTimeOffset? createdAt = null, SolveStatus solverStatus = SolveStatus.Optimal, int slotCount = 8)
    {
        var plan = TestPlans.Plan(createdAt, solverStatus, slotCount) with { Id = 0 };
        var slots = Enumerable.Range(0, slotCount).Select(i => slot with { SlotStart = TestPlans.SlotStart.AddMinutes(15 * i) });
        return Plans.InsertAsync(plan, slots, CancellationToken.None).WaitAsync(Patience);
    }

    /// <summary>One tick, awaited without moving the clock.</summary>
    public Task<ExecutorStatus> RunAsync() => Tick.RunAsync(CancellationToken.None).WaitAsync(Patience);

    /// <summary>One tick, moving the fake clock a second at a time (with a little real time between) so that its backoff waits elapse.</summary>
    public async Task<ExecutorStatus> RunPumpingClockAsync()
    {
        var tick = Tick.RunAsync(CancellationToken.None);
        await Clock.AdvanceUntilDoneAsync(tick, TimeSpan.FromSeconds(1), "the executor tick");
        return await tick;
    }

    public Task<IReadOnlyList<ExecutionRecord>> ReadLogAsync() =>
        Log.ReadRangeAsync(TestPlans.SlotStart.AddDays(-1), TestPlans.SlotStart.AddDays(1), CancellationToken.None).WaitAsync(Patience);

    public void Dispose() => _folder.Dispose();
}
