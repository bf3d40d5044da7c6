using System.Text.Json;
using Darkstar.Forecasting.Models;
using Darkstar.Planning.Antares;

namespace Darkstar.Cli;

/// <summary>One row to learn from: the state at a slot's start and the decision taken (charge, discharge, export kWh).</summary>
internal sealed record ImitationRow(DateOnly Day, double[] State, double[] Targets);

/// <summary>
/// Antares v1: one gradient-boosted model (the project's XGBoost) per target, predicting the slot's charge, discharge and
/// export from <see cref="AntaresState"/>. What it says is an action for the environment, which clips it; it never
/// commands a battery.
/// </summary>
internal sealed class AntaresPolicy : IDisposable
{
    public static readonly string[] Targets = ["charge_kwh", "discharge_kwh", "export_kwh"];

    /// <summary>The model type of the MPC's clone in <c>antares_training_runs</c>.</summary>
    public const string MpcClone = "xgboost-imitation-mpc";

    /// <summary>The model type of the Oracle's clone.</summary>
    public const string OracleClone = "xgboost-imitation-oracle";

    /// <summary>A decision below this is no decision (kWh per slot): the trees' residual noise.</summary>
    private const double Deadband = 0.01;

    private readonly IRegressionModel[] _models;
    private readonly float[] _row = new float[AntaresState.Size];

    private AntaresPolicy(IRegressionModel[] models)
    {
        _models = models;
    }

    public static BoostingParameters Parameters { get; } = new()
    {
        MaxRounds = 300,
        LearningRate = 0.08,
        MaxDepth = 6,
        MinChildWeight = 5,
        Subsample = 0.8,
        ColumnSampleByTree = 0.9,
        EarlyStoppingRounds = 30,
        Threads = 1,
        Seed = 7,
    };

    /// <summary>Trains one model per target; returns the policy and, per target, the validation MAE and RMSE.</summary>
    public static (AntaresPolicy Policy, Dictionary<string, object> Metrics) Train(
        IReadOnlyList<ImitationRow> train, IReadOnlyList<ImitationRow> validation, CancellationToken cancellationToken)
    {
        var models = new IRegressionModel[Targets.Length];
        var metrics = new Dictionary<string, object>(StringComparer.Ordinal);
        var trainFeatures = Features(train);
        var validationFeatures = Features(validation);
        for (var k = 0; k < Targets.Length; k++)
        {
            var trainLabels = train.Select(r => (float)r.Targets[k]).ToArray();
            var validationLabels = validation.Select(r => (float)r.Targets[k]).ToArray();
            var outcome = XGBoostModel.Train(trainFeatures, trainLabels, validationFeatures, validationLabels, BoostingObjective.SquaredError, Parameters, cancellationToken);
            models[k] = outcome.Model;
            var predicted = outcome.Model.Predict(validationFeatures);
            var errors = predicted.Select((p, i) => Math.Max(0, (double)p) - validationLabels[i]).ToArray();
            metrics[Targets[k]] = new
            {
                mae = Math.Round(errors.Average(Math.Abs), 5),
                rmse = Math.Round(Math.Sqrt(errors.Average(e => e * e)), 5),
                rounds = outcome.BestRounds,
            };
        }

        return (new AntaresPolicy(models), metrics);
    }

    /// <summary>The policy saved in <paramref name="folder"/> by <see cref="Save"/>.</summary>
    public static AntaresPolicy Load(string folder) =>
        new([.. Targets.Select(t => (IRegressionModel)XGBoostModel.LoadJson(Path.Combine(folder, t + ".json")))]);

    /// <summary>Writes one XGBoost JSON per target and the state's names they read, in order.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var k = 0; k < Targets.Length; k++)
        {
            _models[k].SaveJson(Path.Combine(folder, Targets[k] + ".json"));
        }

        File.WriteAllText(Path.Combine(folder, "state.json"), JsonSerializer.Serialize(AntaresState.Names));
    }

    /// <summary>The action for <paramref name="state"/>: charge and discharge netted, noise below a hundredth of a kWh dropped.</summary>
    public AntaresAction Decide(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        for (var i = 0; i < _row.Length; i++)
        {
            _row[i] = (float)state[i];
        }

        var features = new FeatureMatrix(_row, _row.Length);
        var charge = Math.Max(0, (double)_models[0].Predict(features)[0]);
        var discharge = Math.Max(0, (double)_models[1].Predict(features)[0]);
        var export = Math.Max(0, (double)_models[2].Predict(features)[0]);
        (charge, discharge) = charge >= discharge ? (charge - discharge, 0.0) : (0.0, discharge - charge);
        charge = charge < Deadband ? 0 : charge;
        discharge = discharge < Deadband ? 0 : discharge;
        // PV's surplus is exported without being asked; an export asked while the battery does not discharge would
        // only make it discharge into the grid on the trees' noise.
        return new AntaresAction(charge, discharge, discharge > 0 && export >= Deadband ? export : 0);
    }

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }
    }

    private static FeatureMatrix Features(IReadOnlyList<ImitationRow> rows)
    {
        var values = new float[rows.Count * AntaresState.Size];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < AntaresState.Size; c++)
            {
                values[(r * AntaresState.Size) + c] = (float)rows[r].State[c];
            }
        }

        return new FeatureMatrix(values, AntaresState.Size);
    }
}
