using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Service;
using Darkstar.Simulation.Home;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;

namespace Darkstar.ServiceTests;

/// <summary><c>planner.antares_shadow</c>: a trained policy decides beside the MPC in the service, and nothing it decides is carried out.</summary>
[Collection(ServiceTestGroup.Name)]
public sealed class AntaresShadowTests
{
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromMinutes(6);

    private static readonly TimeSpan Run = TimeSpan.FromHours(3);

    [Fact]
    public async Task AntaresShadow_OnWithATrainedPolicy_DecidesEverySlotWhileTheCommandsStayThoseOfTheOptionOff()
    {
        using var limit = new CancellationTokenSource(RealTimeLimit);
        using var artifacts = new TempDirectory();

        var off = await RunAsync(shadow: false, artifacts, limit.Token);
        var on = await RunAsync(shadow: true, artifacts, limit.Token);

        Assert.Empty(off.Decisions);
        // A decision at every slot after the policy was there (from the first slot's start on), to charge from the grid
        // wherever the battery is not full.
        Assert.InRange(on.Decisions.Count, (int)(Run / TimeSpan.FromMinutes(15)) - 1, (int)(Run / TimeSpan.FromMinutes(15)) + 1);
        Assert.Contains(on.Decisions, d => d.Intent.Mode == SlotMode.GridCharge);
        Assert.Equal(on.Decisions.Select(d => d.Slot).Distinct().Count(), on.Decisions.Count);
        // Never executed: the simulated home received the very same commands as without the option.
        Assert.NotEmpty(off.Commands);
        Assert.Equal(off.Commands, on.Commands);
    }

    private static async Task<(IReadOnlyList<AntaresShadowDecision> Decisions, IReadOnlyList<string> Commands)> RunAsync(
        bool shadow, TempDirectory artifacts, CancellationToken cancellationToken)
    {
        await using var rig = await ServiceRig.StartAsync(o => o with { Planner = o.Planner with { AntaresShadow = shadow } }, cancellationToken);
        var service = rig.Service;
        // The same trained policy in both runs' databases: only the option differs.
        await RecordPolicyAsync(service.Get<DarkstarDatabase>(), artifacts, BatterySpec.FromOptions(rig.Options.Battery), service.Started, cancellationToken);
        await rig.RunForAsync(Run, cancellationToken);
        var decisions = shadow ? service.Get<AntaresShadowLoop>().Decisions : [];
        var summary = await service.StopAsync(cancellationToken);
        Assert.Equal(0, summary.Errors);
        return (decisions, [.. service.CommandsReceived().Select(Describe)]);
    }

    private static string Describe(ReceivedServiceCall call) =>
        $"{call.At:O} {call.Domain}.{call.Service} {string.Join(",", call.EntityIds)} {call.ServiceData} {call.Failed}";

    /// <summary>
    /// A policy that always says "charge from the grid to the maximum" (trained on rows that all say so), recorded as the
    /// latest MPC clone: were it carried out, the battery would charge at every slot.
    /// </summary>
    private static async Task RecordPolicyAsync(DarkstarDatabase database, TempDirectory artifacts, BatterySpec battery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(artifacts.Path, "policy");
        if (!AntaresPolicy.CanLoad(folder))
        {
            var random = new Random(5);
            var rows = Enumerable.Range(0, 400).Select(i => new ImitationRow(
                DateOnly.FromDayNumber(739000 + (i / 96)),
                [.. Enumerable.Range(0, AntaresState.Size).Select(_ => random.NextDouble())],
                new ExecutorIntent(SlotMode.GridCharge, battery.MaxChargeKwhPerSlot, 0, battery.MaxSocPercent, battery.MinSocPercent))).ToList();
            var (policy, _) = AntaresPolicy.Train(rows.GetRange(0, 300), rows.GetRange(300, 100), battery, cancellationToken);
            using (policy)
            {
                policy.Save(folder);
            }
        }

        await new AntaresTrainingRunRepository(database).InsertAsync(
            new AntaresTrainingRun
            {
                StartedAt = now,
                FinishedAt = now,
                DatasetVersion = "test: always grid charge",
                WindowStartDay = DateOnly.FromDateTime(now.UtcDateTime),
                WindowEndDay = DateOnly.FromDateTime(now.UtcDateTime),
                ModelType = AntaresPolicy.MpcClone,
                TargetsJson = "[]",
                HyperparametersJson = "{}",
                ArtifactPath = folder,
                Status = RunStatus.Succeeded,
            },
            cancellationToken);
    }
}
