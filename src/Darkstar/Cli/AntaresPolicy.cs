using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Forecasting.Models;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Cli;

/// <summary>One row to learn from: the state at a slot's start and what the executor was asked to run (the teacher's intent).</summary>
internal sealed record ImitationRow(DateOnly Day, double[] State, ExecutorIntent Intent);

/// <summary>
/// Antares v1: imitates the teacher (the MPC or the Oracle) the way the executor runs its plan. Gradient-boosted models
/// (the project's XGBoost) say from <see cref="AntaresState"/> which of the executor's five ways the slot runs
/// (self-consumption, holding a floor, grid charging, export from the battery, PV export; one model per way, the highest
/// score wins) and where the SoC should be at the slot's end (one model, the way as input). The executor's own rule
/// then carries that out against the slot's measured load and PV, as it carries out the MPC's plan. What it says is an
/// intent for the environment, which clips it; it never commands a battery.
/// </summary>
internal sealed class AntaresPolicy : IDisposable
{
    /// <summary>The executor's ways a slot runs, in the order of the class models.</summary>
    public static readonly string[] Ways = ["self_consumption", "hold", "grid_charge", "export", "pv_export"];

    /// <summary>What is learnt: a score per way and the SoC's change over the slot.</summary>
    public static readonly string[] Targets = [.. Ways.Select(w => "is_" + w), "soc_delta_percent"];

    /// <summary>The model type of the MPC's clone in <c>antares_training_runs</c>.</summary>
    public const string MpcClone = "xgboost-intent-mpc";

    /// <summary>The model type of the Oracle's clone.</summary>
    public const string OracleClone = "xgboost-intent-oracle";

    private const int SelfConsumption = 0;
    private const int Hold = 1;
    private const int GridCharge = 2;
    private const int Export = 3;
    private const int PvExport = 4;

    /// <summary>A SoC change smaller than this (percent) is no change: the trees' residual noise.</summary>
    private const double DeadbandPercent = 0.5;

    private static readonly int Columns = AntaresState.Size + Ways.Length;

    private readonly IRegressionModel[] _ways;
    private readonly IRegressionModel _delta;
    private readonly float[] _row = new float[Columns];

    private AntaresPolicy(IRegressionModel[] ways, IRegressionModel delta)
    {
        _ways = ways;
        _delta = delta;
    }

    public static BoostingParameters Parameters { get; } = new()
    {
        MaxRounds = 400,
        LearningRate = 0.08,
        MaxDepth = 6,
        MinChildWeight = 3,
        Subsample = 0.8,
        ColumnSampleByTree = 0.9,
        EarlyStoppingRounds = 30,
        Threads = 1,
        Seed = 7,
    };

    /// <summary>The way a teacher's intent runs the slot (an index into <see cref="Ways"/>).</summary>
    public static int WayOf(ExecutorIntent intent, BatterySpec battery)
    {
        ArgumentNullException.ThrowIfNull(battery);
        return intent.Mode switch
        {
            SlotMode.GridCharge => GridCharge,
            SlotMode.Export => Export,
            SlotMode.PvExport => PvExport,
            _ => intent.FloorSocPercent > battery.MinSocPercent + SlotExecution.SocTolerancePercent ? Hold : SelfConsumption,
        };
    }

    /// <summary>The SoC the way aims at (percent): the target, or for holding the floor; none for self-consumption.</summary>
    private static double AimOf(ExecutorIntent intent, int way) => way == Hold ? intent.FloorSocPercent : intent.TargetSocPercent;

    /// <summary>Trains the models; returns the policy and its validation errors (the way's accuracy, the SoC change's MAE).</summary>
    public static (AntaresPolicy Policy, Dictionary<string, object> Metrics) Train(
        IReadOnlyList<ImitationRow> train, IReadOnlyList<ImitationRow> validation, BatterySpec battery, CancellationToken cancellationToken)
    {
        var trainWays = train.Select(r => WayOf(r.Intent, battery)).ToArray();
        var validationWays = validation.Select(r => WayOf(r.Intent, battery)).ToArray();
        // The way's scores read the state alone (the way's columns zero), as they do when deciding.
        var trainFeatures = Features(train, null);
        var validationFeatures = Features(validation, null);
        var metrics = new Dictionary<string, object>(StringComparer.Ordinal);
        var ways = new IRegressionModel[Ways.Length];
        var scores = new float[Ways.Length][];
        for (var k = 0; k < Ways.Length; k++)
        {
            var trainLabels = trainWays.Select(w => w == k ? 1f : 0f).ToArray();
            var validationLabels = validationWays.Select(w => w == k ? 1f : 0f).ToArray();
            var outcome = XGBoostModel.Train(trainFeatures, trainLabels, validationFeatures, validationLabels, BoostingObjective.SquaredError, Parameters, cancellationToken);
            ways[k] = outcome.Model;
            scores[k] = outcome.Model.Predict(validationFeatures);
            metrics[Targets[k]] = new { share = Math.Round(trainLabels.Average(), 4), rounds = outcome.BestRounds };
        }

        var predictedWays = validation.Select((_, i) => Enumerable.Range(0, Ways.Length).MaxBy(k => scores[k][i])).ToArray();
        metrics["way_accuracy"] = Math.Round(validation.Count == 0 ? 0 : predictedWays.Where((w, i) => w == validationWays[i]).Count() / (double)validation.Count, 4);

        // The SoC's change is learnt where it matters, on the slots that aim at a SoC, with the teacher's way as input.
        var aiming = train.Select((r, i) => (r, i)).Where(x => trainWays[x.i] != SelfConsumption).ToList();
        var aimingValidation = validation.Select((r, i) => (r, i)).Where(x => validationWays[x.i] != SelfConsumption).ToList();
        var deltaOutcome = XGBoostModel.Train(
            Features(aiming.Select(x => x.r).ToList(), aiming.Select(x => trainWays[x.i]).ToArray()),
            aiming.Select(x => (float)Delta(x.r, trainWays[x.i])).ToArray(),
            Features(aimingValidation.Select(x => x.r).ToList(), aimingValidation.Select(x => validationWays[x.i]).ToArray()),
            aimingValidation.Select(x => (float)Delta(x.r, validationWays[x.i])).ToArray(),
            BoostingObjective.SquaredError, Parameters, cancellationToken);
        var deltaPredicted = deltaOutcome.Model.Predict(Features(aimingValidation.Select(x => x.r).ToList(), aimingValidation.Select(x => validationWays[x.i]).ToArray()));
        var deltaErrors = aimingValidation.Select((x, j) => deltaPredicted[j] - Delta(x.r, validationWays[x.i])).ToArray();
        metrics["soc_delta_percent"] = new
        {
            mae = deltaErrors.Length == 0 ? 0 : Math.Round(deltaErrors.Average(Math.Abs), 3),
            rmse = deltaErrors.Length == 0 ? 0 : Math.Round(Math.Sqrt(deltaErrors.Average(e => e * e)), 3),
            rounds = deltaOutcome.BestRounds,
        };
        return (new AntaresPolicy(ways, deltaOutcome.Model), metrics);
    }

    /// <summary>The SoC's change the teacher aimed at over the slot, percent.</summary>
    private static double Delta(ImitationRow row, int way) => AimOf(row.Intent, way) - (100 * row.State[SocFraction]);

    /// <summary>The position of <c>soc_fraction</c> in the state.</summary>
    private static readonly int SocFraction = IndexOf("soc_fraction");

    private static int IndexOf(string name)
    {
        for (var i = 0; i < AntaresState.Size; i++)
        {
            if (AntaresState.Names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The state has no {name}.");
    }

    /// <summary>The policy saved in <paramref name="folder"/> by <see cref="Save"/>.</summary>
    public static AntaresPolicy Load(string folder) => new(
        [.. Ways.Select((_, k) => (IRegressionModel)XGBoostModel.LoadJson(Path.Combine(folder, Targets[k] + ".json")))],
        XGBoostModel.LoadJson(Path.Combine(folder, Targets[^1] + ".json")));

    /// <summary>Whether <paramref name="folder"/> holds a policy of this kind (older runs' artifacts are of another).</summary>
    public static bool CanLoad(string folder) => Targets.All(t => File.Exists(Path.Combine(folder, t + ".json")));

    /// <summary>Writes one XGBoost JSON per target and the state's names they read, in order.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var k = 0; k < Ways.Length; k++)
        {
            _ways[k].SaveJson(Path.Combine(folder, Targets[k] + ".json"));
        }

        _delta.SaveJson(Path.Combine(folder, Targets[^1] + ".json"));
        File.WriteAllText(Path.Combine(folder, "state.json"), JsonSerializer.Serialize(AntaresState.Names));
    }

    /// <summary>The intent for <paramref name="state"/>: the way with the highest score, aimed at the SoC the model says.</summary>
    public ExecutorIntent Decide(double[] state, BatterySpec battery)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(battery);
        for (var i = 0; i < AntaresState.Size; i++)
        {
            _row[i] = (float)state[i];
        }

        Array.Clear(_row, AntaresState.Size, Ways.Length);
        var features = new FeatureMatrix(_row, Columns);
        var way = SelfConsumption;
        var best = float.MinValue;
        for (var k = 0; k < Ways.Length; k++)
        {
            var score = _ways[k].Predict(features)[0];
            (way, best) = score > best ? (k, score) : (way, best);
        }

        var soc = 100 * state[SocFraction];
        var selfConsumption = new ExecutorIntent(SlotMode.SelfConsumption, 0, 0, battery.MinSocPercent, battery.MinSocPercent);
        if (way == SelfConsumption)
        {
            return selfConsumption;
        }

        _row[AntaresState.Size + way] = 1;
        var delta = (double)_delta.Predict(new FeatureMatrix(_row, Columns))[0];
        // Within the battery's limits; a way whose aim points the other way (grid charging down, exporting up) is none.
        var aim = Math.Clamp(soc + delta, battery.MinSocPercent, battery.MaxSocPercent);
        return way switch
        {
            Hold => selfConsumption with { FloorSocPercent = aim },
            GridCharge when aim > soc + DeadbandPercent => new ExecutorIntent(SlotMode.GridCharge, battery.MaxChargeKwhPerSlot, 0, aim, battery.MinSocPercent),
            Export when aim < soc - DeadbandPercent => new ExecutorIntent(SlotMode.Export, 0, battery.MaxDischargeKwhPerSlot, aim, battery.MinSocPercent),
            PvExport => new ExecutorIntent(SlotMode.PvExport, Math.Max(0, battery.ToKwh(aim - soc) / battery.ChargeEfficiency), 0, aim, battery.MinSocPercent),
            _ => selfConsumption,
        };
    }

    public void Dispose()
    {
        foreach (var model in _ways)
        {
            model.Dispose();
        }

        _delta.Dispose();
    }

    /// <summary>The state of each row and its way one-hot (zero where <paramref name="ways"/> is null: the way is not yet known).</summary>
    private static FeatureMatrix Features(IReadOnlyList<ImitationRow> rows, int[]? ways)
    {
        var values = new float[rows.Count * Columns];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < AntaresState.Size; c++)
            {
                values[(r * Columns) + c] = (float)rows[r].State[c];
            }

            if (ways is not null)
            {
                values[(r * Columns) + AntaresState.Size + ways[r]] = 1;
            }
        }

        return new FeatureMatrix(values, Columns);
    }
}
