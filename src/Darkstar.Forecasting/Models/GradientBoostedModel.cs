using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Darkstar.Forecasting.Native;

namespace Darkstar.Forecasting.Models;

/// <summary>A dense table of features, row after row; NaN is a missing value the trees route on their own.</summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(float[] values, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length % columns != 0)
        {
            throw new ArgumentException($"{values.Length} values are not whole rows of {columns} columns.", nameof(values));
        }

        Values = values;
        Columns = columns;
    }

    public float[] Values { get; }

    public int Columns { get; }

    public int Rows => Values.Length / Columns;

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Columns, Columns);
}

/// <summary>What a model is trained to minimise.</summary>
public abstract record BoostingObjective
{
    /// <summary>Squared error, XGBoost's own <c>reg:squarederror</c>.</summary>
    public static BoostingObjective SquaredError { get; } = new SquaredErrorObjective();

    /// <summary>
    /// Absolute error, XGBoost's own <c>reg:absoluteerror</c> (1.7 and later): the median, with each leaf set to the
    /// median of its residuals, so it converges in as few rounds as squared error does. The error a forecast is scored by.
    /// </summary>
    public static BoostingObjective AbsoluteError { get; } = new AbsoluteErrorObjective();

    /// <summary>The pinball loss of quantile <paramref name="tau"/>, as a custom gradient (XGBoost 1.x has no quantile objective).</summary>
    public static BoostingObjective Quantile(double tau) => new QuantileObjective(tau);
}

public sealed record SquaredErrorObjective : BoostingObjective;

public sealed record AbsoluteErrorObjective : BoostingObjective;

public sealed record QuantileObjective : BoostingObjective
{
    public QuantileObjective(double tau)
    {
        if (!(tau > 0 && tau < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "A quantile lies strictly between 0 and 1.");
        }

        Tau = tau;
    }

    public double Tau { get; }
}

/// <summary>The hyper-parameters of one gradient-boosted model.</summary>
public sealed record BoostingParameters
{
    public int MaxRounds { get; init; } = 400;

    public double LearningRate { get; init; } = 0.05;

    public int MaxDepth { get; init; } = 6;

    public double MinChildWeight { get; init; } = 10;

    public double Subsample { get; init; } = 0.8;

    public double ColumnSampleByTree { get; init; } = 0.8;

    public double Lambda { get; init; } = 1.0;

    public int MaxBin { get; init; } = 128;

    /// <summary>Stop when the validation loss has not improved for this many rounds.</summary>
    public int EarlyStoppingRounds { get; init; } = 30;

    public int Threads { get; init; } = 2;

    public int Seed { get; init; } = 7;

    /// <summary>Anything else to pass straight to XGBoost (name → value), for example a bad one in a test.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

/// <summary>A trained regression model: what the rest of Aurora sees of gradient boosting.</summary>
public interface IRegressionModel : IDisposable
{
    /// <summary>Boosting rounds the model holds.</summary>
    int Rounds { get; }

    /// <summary>One prediction per row of <paramref name="features"/>.</summary>
    float[] Predict(FeatureMatrix features);

    /// <summary>Writes the model as XGBoost JSON.</summary>
    void SaveJson(string path);
}

/// <summary>Rows to train or validate on: features, one label per row, and optionally one weight per row.</summary>
public sealed record TrainingData(FeatureMatrix Features, float[] Labels, float[]? Weights);

/// <summary>The outcome of training: the model cut at its best validation round and the loss there.</summary>
public sealed record TrainingOutcome(IRegressionModel Model, int BestRounds, double ValidationLoss, double TrainingLoss);

/// <summary>
/// An XGBoost booster. Training and prediction on one booster are serialised by a lock: XGBoost's
/// learner is not safe to update from two threads, and a prediction during an update reads half a tree list.
/// </summary>
public sealed class XGBoostModel : IRegressionModel
{
    private readonly BoosterHandle _handle;
    private readonly Lock _gate = new();

    private XGBoostModel(BoosterHandle handle)
    {
        _handle = handle;
    }

    public int Rounds
    {
        get
        {
            lock (_gate)
            {
                XGBoostCall.Check(XGBoostNative.XGBoosterBoostedRounds(_handle.DangerousGetHandle(), out var rounds), "reading the round count");
                return rounds;
            }
        }
    }

    /// <summary>The version of the loaded libxgboost, e.g. 1.6.2.</summary>
    public static Version LibraryVersion
    {
        get
        {
            XGBoostNative.EnsureResolver();
            XGBoostNative.XGBoostVersion(out var major, out var minor, out var patch);
            return new Version(major, minor, patch);
        }
    }

    /// <summary>
    /// Trains on <paramref name="train"/> and stops early on <paramref name="validation"/>'s loss; the model returned
    /// holds the rounds up to the best validation loss.
    /// </summary>
    /// <exception cref="XGBoostException">XGBoost refused a parameter or the data (bad parameters fail at the first round).</exception>
    public static TrainingOutcome Train(
        FeatureMatrix train,
        float[] trainLabels,
        FeatureMatrix validation,
        float[] validationLabels,
        BoostingObjective objective,
        BoostingParameters parameters,
        CancellationToken cancellationToken) =>
        Train(new TrainingData(train, trainLabels, null), new TrainingData(validation, validationLabels, null), objective, parameters, cancellationToken);

    /// <summary>
    /// As the other overload, with a weight per row (null: all 1): training and the validation loss that stops it
    /// minimise the weighted mean loss.
    /// </summary>
    public static TrainingOutcome Train(
        TrainingData trainData,
        TrainingData validationData,
        BoostingObjective objective,
        BoostingParameters parameters,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(validationData);
        var (train, trainLabels, trainWeights) = trainData;
        var (validation, validationLabels, validationWeights) = validationData;
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(validationLabels);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(parameters);
        if (train.Rows != trainLabels.Length || validation.Rows != validationLabels.Length)
        {
            throw new ArgumentException("Every row needs exactly one label.");
        }

        if ((trainWeights is not null && trainWeights.Length != train.Rows) || (validationWeights is not null && validationWeights.Length != validation.Rows))
        {
            throw new ArgumentException("Every row needs exactly one weight.");
        }

        if (train.Rows == 0 || validation.Rows == 0)
        {
            throw new ArgumentException("Training needs rows to train on and rows to validate on.");
        }

        if (train.Columns != validation.Columns)
        {
            throw new ArgumentException($"Training has {train.Columns} features, validation {validation.Columns}.");
        }

        using var trainMatrix = CreateMatrix(train, trainLabels, trainWeights);
        using var validationMatrix = CreateMatrix(validation, validationLabels, validationWeights);
        using var model = Create([trainMatrix, validationMatrix]);
        model.SetParameters(objective, parameters, BaseScore(trainLabels, objective));

        var best = double.PositiveInfinity;
        var bestRounds = 0;
        var trainingLoss = double.NaN;
        var gradient = new float[train.Rows];
        var hessian = new float[train.Rows];
        for (var round = 0; round < parameters.MaxRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (objective is QuantileObjective quantile)
            {
                var predicted = model.PredictCached(trainMatrix, train.Rows);
                PinballGradient(predicted, trainLabels, quantile.Tau, gradient, hessian);
                if (trainWeights is not null)
                {
                    for (var i = 0; i < gradient.Length; i++)
                    {
                        gradient[i] *= trainWeights[i];
                        hessian[i] *= trainWeights[i];
                    }
                }

                model.BoostOneRound(trainMatrix, gradient, hessian);
            }
            else
            {
                model.UpdateOneRound(round, trainMatrix);
            }

            var validationPredicted = model.PredictCached(validationMatrix, validation.Rows);
            var loss = Loss(validationPredicted, validationLabels, validationWeights, objective);
            if (loss < best - 1e-9)
            {
                best = loss;
                bestRounds = round + 1;
            }
            else if (round + 1 - bestRounds >= parameters.EarlyStoppingRounds)
            {
                break;
            }
        }

        trainingLoss = Loss(model.PredictCached(trainMatrix, train.Rows, bestRounds), trainLabels, trainWeights, objective);
        var kept = model.Slice(bestRounds);
        return new TrainingOutcome(kept, bestRounds, best, trainingLoss);
    }

    /// <summary>Reads a model that <see cref="SaveJson"/> wrote.</summary>
    public static XGBoostModel LoadJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model file {path} does not exist.", path);
        }

        var model = Create([]);
        try
        {
            XGBoostCall.Check(XGBoostNative.XGBoosterLoadModel(model._handle.DangerousGetHandle(), path), $"loading {path}");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Reads a model from the JSON text <see cref="ToJson"/> returns.</summary>
    public static unsafe XGBoostModel FromJson(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        var model = Create([]);
        try
        {
            fixed (byte* buffer = bytes)
            {
                XGBoostCall.Check(
                    XGBoostNative.XGBoosterLoadModelFromBuffer(model._handle.DangerousGetHandle(), buffer, (ulong)bytes.Length),
                    "loading a model from JSON");
            }

            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public float[] Predict(FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows == 0)
        {
            return [];
        }

        using var matrix = CreateMatrix(features, labels: null, weights: null);
        return PredictCached(matrix, features.Rows);
    }

    public void SaveJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // XGBoost picks the format from the extension; anything but .json would be its binary format.
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"A model is saved as JSON; {path} does not end in .json.", nameof(path));
        }

        lock (_gate)
        {
            XGBoostCall.Check(XGBoostNative.XGBoosterSaveModel(_handle.DangerousGetHandle(), path), $"saving {path}");
        }
    }

    /// <summary>The model as XGBoost JSON text.</summary>
    public string ToJson()
    {
        lock (_gate)
        {
            XGBoostCall.Check(
                XGBoostNative.XGBoosterSaveModelToBuffer(_handle.DangerousGetHandle(), """{"format":"json"}""", out var length, out var buffer),
                "writing the model to a buffer");
            // The buffer belongs to the booster and changes with its next call: copy it now.
            return Marshal.PtrToStringUTF8(buffer, checked((int)length));
        }
    }

    public void Dispose() => _handle.Dispose();

    internal static unsafe XGBoostMatrix CreateMatrix(FeatureMatrix features, float[]? labels, float[]? weights)
    {
        XGBoostNative.EnsureResolver();
        IntPtr raw;
        fixed (float* data = features.Values)
        {
            XGBoostCall.Check(
                XGBoostNative.XGDMatrixCreateFromMat(data, (ulong)features.Rows, (ulong)features.Columns, float.NaN, out raw),
                "creating a feature matrix");
        }

        var matrix = new XGBoostMatrix(DMatrixHandle.FromOwned(raw));
        if (labels is not null)
        {
            fixed (float* label = labels)
            {
                XGBoostCall.Check(
                    XGBoostNative.XGDMatrixSetFloatInfo(matrix.Handle.DangerousGetHandle(), "label", label, (ulong)labels.Length),
                    "setting the labels");
            }
        }

        if (weights is not null)
        {
            fixed (float* weight = weights)
            {
                XGBoostCall.Check(
                    XGBoostNative.XGDMatrixSetFloatInfo(matrix.Handle.DangerousGetHandle(), "weight", weight, (ulong)weights.Length),
                    "setting the weights");
            }
        }

        return matrix;
    }

    private static unsafe XGBoostModel Create(XGBoostMatrix[] cache)
    {
        XGBoostNative.EnsureResolver();
        var handles = cache.Select(m => m.Handle.DangerousGetHandle()).ToArray();
        IntPtr raw;
        fixed (IntPtr* matrices = handles)
        {
            XGBoostCall.Check(XGBoostNative.XGBoosterCreate(matrices, (ulong)handles.Length, out raw), "creating a booster");
        }

        return new XGBoostModel(BoosterHandle.FromOwned(raw));
    }

    private void SetParameters(BoostingObjective objective, BoostingParameters parameters, double baseScore)
    {
        var values = new List<(string, string)>
        {
            ("booster", "gbtree"),
            ("tree_method", "hist"),
            ("nthread", Text(parameters.Threads)),
            ("seed", Text(parameters.Seed)),
            ("eta", Text(parameters.LearningRate)),
            ("max_depth", Text(parameters.MaxDepth)),
            ("min_child_weight", Text(parameters.MinChildWeight)),
            ("subsample", Text(parameters.Subsample)),
            ("colsample_bytree", Text(parameters.ColumnSampleByTree)),
            ("lambda", Text(parameters.Lambda)),
            ("max_bin", Text(parameters.MaxBin)),
            ("base_score", Text(baseScore)),
            ("verbosity", "0"),
            // A custom gradient still needs an objective for the model file; squared error is the identity link.
            ("objective", objective is AbsoluteErrorObjective ? "reg:absoluteerror" : "reg:squarederror"),
        };
        values.AddRange(parameters.Extra.Select(p => (p.Key, p.Value)));
        lock (_gate)
        {
            foreach (var (name, value) in values)
            {
                XGBoostCall.Check(XGBoostNative.XGBoosterSetParam(_handle.DangerousGetHandle(), name, value), $"setting {name}={value}");
            }
        }
    }

    private void UpdateOneRound(int round, XGBoostMatrix train)
    {
        lock (_gate)
        {
            XGBoostCall.Check(
                XGBoostNative.XGBoosterUpdateOneIter(_handle.DangerousGetHandle(), round, train.Handle.DangerousGetHandle()),
                $"training round {round + 1}");
        }
    }

    private unsafe void BoostOneRound(XGBoostMatrix train, float[] gradient, float[] hessian)
    {
        lock (_gate)
        {
            fixed (float* g = gradient)
            fixed (float* h = hessian)
            {
                XGBoostCall.Check(
                    XGBoostNative.XGBoosterBoostOneIter(
                        _handle.DangerousGetHandle(), train.Handle.DangerousGetHandle(), g, h, (ulong)gradient.Length),
                    "a boosting round with the pinball gradient");
            }
        }
    }

    /// <summary>Predicts every row of <paramref name="matrix"/> with the first <paramref name="rounds"/> rounds (0: all).</summary>
    private float[] PredictCached(XGBoostMatrix matrix, int rows, int rounds = 0)
    {
        var configuration = string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"type":0,"training":false,"iteration_begin":0,"iteration_end":{{rounds}},"strict_shape":false}""");
        lock (_gate)
        {
            XGBoostCall.Check(
                XGBoostNative.XGBoosterPredictFromDMatrix(
                    _handle.DangerousGetHandle(), matrix.Handle.DangerousGetHandle(), configuration, out _, out _, out var result),
                "predicting");
            // The result buffer belongs to the booster and is overwritten by its next call: copy it at once.
            var copy = new float[rows];
            Marshal.Copy(result, copy, 0, rows);
            return copy;
        }
    }

    private XGBoostModel Slice(int rounds)
    {
        lock (_gate)
        {
            XGBoostCall.Check(
                XGBoostNative.XGBoosterSlice(_handle.DangerousGetHandle(), 0, Math.Max(rounds, 1), 1, out var sliced),
                $"keeping the first {rounds} rounds");
            return new XGBoostModel(BoosterHandle.FromOwned(sliced));
        }
    }

    /// <summary>
    /// The pinball loss's gradient in the prediction: −τ where the prediction is below the label, 1−τ above, so the
    /// fixed point has a share τ of labels below the prediction. Its true hessian is 0;
    /// a constant 1 makes each leaf a bounded step towards the quantile, as Newton boosting needs.
    /// </summary>
    internal static void PinballGradient(ReadOnlySpan<float> predicted, ReadOnlySpan<float> labels, double tau, Span<float> gradient, Span<float> hessian)
    {
        var below = (float)-tau;
        var above = (float)(1 - tau);
        for (var i = 0; i < predicted.Length; i++)
        {
            gradient[i] = predicted[i] < labels[i] ? below : above;
            hessian[i] = 1f;
        }
    }

    internal static double Loss(ReadOnlySpan<float> predicted, ReadOnlySpan<float> labels, float[]? weights, BoostingObjective objective)
    {
        var sum = 0.0;
        var total = 0.0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var error = (double)labels[i] - predicted[i];
            var weight = weights is null ? 1.0 : weights[i];
            sum += weight * objective switch
            {
                QuantileObjective q => Metrics.Pinball(error, q.Tau),
                AbsoluteErrorObjective => Math.Abs(error),
                _ => error * error,
            };
            total += weight;
        }

        return total > 0 ? sum / total : double.NaN;
    }

    private static double BaseScore(float[] labels, BoostingObjective objective)
    {
        var tau = objective switch
        {
            QuantileObjective q => q.Tau,
            AbsoluteErrorObjective => 0.5,
            _ => double.NaN,
        };
        if (!double.IsNaN(tau))
        {
            var sorted = labels.ToArray();
            Array.Sort(sorted);
            return sorted[Math.Clamp((int)(tau * (sorted.Length - 1)), 0, sorted.Length - 1)];
        }

        return labels.Average();
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Owns one XGBoost DMatrix.</summary>
internal sealed class XGBoostMatrix(DMatrixHandle handle) : IDisposable
{
    public DMatrixHandle Handle { get; } = handle;

    public void Dispose() => Handle.Dispose();
}
