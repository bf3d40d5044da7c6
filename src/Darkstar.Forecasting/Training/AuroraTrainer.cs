using System.Diagnostics;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Training;

/// <summary>There is not enough clean data to train on; the message says how much there is and how much is needed.</summary>
public sealed class InsufficientTrainingDataException : Exception
{
    public InsufficientTrainingDataException()
    {
    }

    public InsufficientTrainingDataException(string message)
        : base(message)
    {
    }

    public InsufficientTrainingDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>How Aurora trains.</summary>
public sealed record AuroraTrainingSettings
{
    /// <summary>Days with at least one learnable slot that training needs; fewer is refused with a clear message.</summary>
    public int MinimumDays { get; init; } = 14;

    /// <summary>The share of the latest days held out for early stopping and interval calibration.</summary>
    public double ValidationShare { get; init; } = 0.2;

    /// <summary>
    /// Each target slot is learned as issued at the start of its own local day and of the day before: the leads a
    /// 48-hour forecast has, with the history each lead sees.
    /// </summary>
    public IReadOnlyList<int> IssueDaysBefore { get; init; } = [0, 1];

    /// <summary>Load is learned as a correction of <see cref="LoadReferences"/> rather than in kWh.</summary>
    public bool LoadRelativeToReference { get; init; } = true;

    /// <summary>
    /// The recent levels load is learned relative to, one set of load models each; the forecast is their mean. The
    /// median of the last two weeks' days of the same type (weekday or weekend) follows a home whose habits change and
    /// keeps its weekends apart; four weeks' median of the very slot is steadier where a car charges on some days and
    /// not others. Their mean beat either alone across the seasons.
    /// </summary>
    public IReadOnlyList<string> LoadReferences { get; init; } = [AuroraFeatures.LoadReferenceName, AuroraFeatures.LongLoadReferenceName];

    /// <summary>
    /// PV share is learned as a correction of <see cref="AuroraFeatures.PvReferenceName"/> (what the day's radiation
    /// implies), so the trees start from the physics and a season they have not seen does not throw them.
    /// </summary>
    public bool PvRelativeToWeatherEstimate { get; init; } = true;

    /// <summary>
    /// The median (p50) models': the forecast the planner uses. Shallow trees: they correct a physical or robust
    /// reference rather than learn the quantity, and deeper ones found splits that did not hold the next season.
    /// </summary>
    public BoostingParameters Parameters { get; init; } = new() { MaxDepth = 3 };

    /// <summary>
    /// The p10 and p90 models': shallower and with larger steps, since the pinball gradient moves a fixed step per
    /// round and the interval is calibrated on the validation days afterwards anyway. Null: <see cref="Parameters"/>.
    /// </summary>
    public BoostingParameters? IntervalParameters { get; init; } = new() { MaxDepth = 4, LearningRate = 0.1, MaxRounds = 200, EarlyStoppingRounds = 20 };
}

/// <summary>The pairs a model was validated on, so a newer model and the current one can be compared on the same rows.</summary>
public sealed record ValidationSet(IReadOnlyList<(long Issue, long Target)> Pairs);

/// <summary>Trains the six Aurora models from a <see cref="SlotHistory"/> whose weather is what was observed.</summary>
public sealed class AuroraTrainer(AuroraTrainingSettings settings, ILogger logger)
{
    private const double IntervalCoverage = 0.8;

    public (AuroraModel Model, ValidationSet Validation) Train(
        SlotHistory history, SlotRange window, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        var stopwatch = Stopwatch.StartNew();
        var features = new AuroraFeatures(history);
        var zone = history.Site.TimeZone;

        // Targets: learnable slots inside the window, grouped by local day for a split in time.
        var days = new SortedDictionary<DateOnly, List<long>>();
        for (var target = Math.Max(window.FirstIndex, history.Range.FirstIndex); target < Math.Min(window.EndIndex, history.Range.EndIndex); target++)
        {
            if (history.Target[history.PositionOf(target)])
            {
                var day = features.DayOf(target);
                if (!days.TryGetValue(day, out var list))
                {
                    days[day] = list = [];
                }

                list.Add(target);
            }
        }

        if (days.Count < settings.MinimumDays)
        {
            throw new InsufficientTrainingDataException(
                $"Only {days.Count} days between {InstantText.Format(window.Start)} and {InstantText.Format(window.End)} have clean " +
                $"measured load and PV (slots spread across gaps are left out); training needs at least " +
                $"{settings.MinimumDays}. Let Darkstar learn for longer, or backfill history with 'darkstar backfill --days N'.");
        }

        var validationDays = Math.Max(2, (int)Math.Round(days.Count * settings.ValidationShare));
        var ordered = days.Keys.ToList();
        var firstValidationDay = ordered[^validationDays];
        var trainPairs = new List<(long Issue, long Target)>();
        var validationPairs = new List<(long Issue, long Target)>();
        foreach (var (day, targets) in days)
        {
            var into = day >= firstValidationDay ? validationPairs : trainPairs;
            foreach (var before in settings.IssueDaysBefore)
            {
                var issue = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(day.AddDays(-before), zone));
                into.AddRange(targets.Select(t => (issue, t)));
            }
        }

        logger.LogInformation(
            "Training {Version}: {Days} days ({TrainRows} training rows, {ValidationRows} validation rows from {ValidationDays} latest days)",
            version, days.Count, trainPairs.Count, validationPairs.Count, validationDays);

        var (trainAll, trainLoadAll, trainPv, trainLoadRows, trainPvRows, trainPvWeights) = Build(features, history, trainPairs);
        var (validationAll, validationLoadAll, validationPv, validationLoadRows, validationPvRows, validationPvWeights) = Build(features, history, validationPairs);
        if (trainLoadRows.Length == 0 || validationLoadRows.Length == 0)
        {
            throw new InsufficientTrainingDataException("No slots with measured load in the training window.");
        }

        var trainMatrix = Rows(trainAll, trainLoadRows);
        var validationMatrix = Rows(validationAll, validationLoadRows);
        var trainLoad = trainLoadRows.Select(r => trainLoadAll[r]).ToArray();
        var validationLoad = validationLoadRows.Select(r => validationLoadAll[r]).ToArray();
        var loadScale = Scale(trainLoad);
        var maxLoad = trainLoad.Concat(validationLoad).Max() * 1.25 / loadScale;
        var pvTrainMatrix = AuroraModel.PvRows(Rows(trainAll, trainPvRows));
        var pvValidationMatrix = AuroraModel.PvRows(Rows(validationAll, validationPvRows));
        var pvReference = settings.PvRelativeToWeatherEstimate ? AuroraFeatures.PvReferenceName : null;
        var pvTrainShares = trainPvRows.Select(r => trainPv[r]).ToArray();
        var pvValidationShares = validationPvRows.Select(r => validationPv[r]).ToArray();
        var pvTrainLabels = Relative(pvTrainMatrix, pvTrainShares, pvReference);
        var pvValidationLabels = Relative(pvValidationMatrix, pvValidationShares, pvReference);
        if (pvTrainLabels.Length == 0 || pvValidationLabels.Length == 0)
        {
            throw new InsufficientTrainingDataException("No daylight slots with measured PV in the training window.");
        }

        var pvScale = Scale(pvTrainLabels);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);

        // Load is learned as a correction of recent robust levels known at issue time, so a home that changed its
        // habits (holidays, a new heating season) is followed from the first day, not after the trees relearn it.
        IReadOnlyList<string?> loadReferences = settings.LoadRelativeToReference ? [.. settings.LoadReferences] : [null];
        if (loadReferences.Count == 0)
        {
            throw new InvalidOperationException("Load needs at least one reference when it is learned relative to one.");
        }

        var loadModels = new List<IRegressionModel[]>(loadReferences.Count);
        var loadCalibrations = new List<QuantityCalibration>(loadReferences.Count);
        IRegressionModel[] pvModels;
        QuantityCalibration pvCalibration;
        try
        {
            for (var m = 0; m < loadReferences.Count; m++)
            {
                var loadReference = loadReferences[m];
                var (models, calibration) = TrainQuantity(
                    m == 0 ? "load" : $"load{m + 1}",
                    new TrainingData(trainMatrix, Divide(Relative(trainMatrix, trainLoad, loadReference), loadScale), null),
                    new TrainingData(validationMatrix, Divide(Relative(validationMatrix, validationLoad, loadReference), loadScale), null),
                    loadScale,
                    metrics,
                    cancellationToken);
                loadModels.Add(models);
                loadCalibrations.Add(calibration with { MaxLabel = maxLoad, Reference = loadReference });
            }

            (pvModels, pvCalibration) = TrainQuantity(
                "pv",
                new TrainingData(pvTrainMatrix, Divide(pvTrainLabels, pvScale), trainPvWeights),
                new TrainingData(pvValidationMatrix, Divide(pvValidationLabels, pvScale), validationPvWeights),
                pvScale,
                metrics,
                cancellationToken);
        }
        catch
        {
            foreach (var model in loadModels.SelectMany(set => set))
            {
                model.Dispose();
            }

            throw;
        }

        pvCalibration = pvCalibration with
        {
            MaxLabel = pvTrainShares.Concat(pvValidationShares).Max() * 1.25 / pvScale, Reference = pvReference,
        };
        metrics["train_seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 2);
        metrics["training_days"] = days.Count;
        metrics["training_rows"] = trainPairs.Count;
        var metadata = new AuroraModelMetadata
        {
            Version = version,
            Features = AuroraFeatures.Names,
            WindowStart = window.Start,
            WindowEnd = window.End,
            Parameters = settings.Parameters,
            IntervalParameters = settings.IntervalParameters,
            Load = loadCalibrations,
            Pv = pvCalibration,
            Metrics = metrics,
        };
        var aurora = new AuroraModel(metadata, loadModels, pvModels);

        // Scores on the validation days in kWh, after calibration and clamps: what the forecast will be.
        var scored = aurora.Predict(features, validationPairs);
        metrics["validation_load_mae"] = Math.Round(MeanAbsoluteError(validationPairs, p => scored[p].Load.P50, history.Load, history), 5);
        metrics["validation_pv_mae"] = Math.Round(MeanAbsoluteError(validationPairs, p => scored[p].Pv.P50, history.Pv, history), 5);
        logger.LogInformation(
            "Trained {Version} in {Seconds:0.0} s: validation MAE load {Load:0.000} kWh, PV {Pv:0.000} kWh per slot",
            version, stopwatch.Elapsed.TotalSeconds, metrics["validation_load_mae"], metrics["validation_pv_mae"]);
        return (aurora, new ValidationSet(validationPairs));
    }

    private (IRegressionModel[] Models, QuantityCalibration Calibration) TrainQuantity(
        string quantity,
        TrainingData train,
        TrainingData validation,
        double scale,
        Dictionary<string, double> metrics,
        CancellationToken cancellationToken)
    {
        var trainLabels = train.Labels;
        var validationLabels = validation.Labels;
        var models = new List<IRegressionModel>(AuroraModel.Quantiles.Length);
        var predictions = new List<float[]>(AuroraModel.Quantiles.Length);
        try
        {
            foreach (var tau in AuroraModel.Quantiles)
            {
                // The median by the pinball gradient at 0.5 like the outer quantiles (absolute error and squared error
                // on the logarithm of load both scored worse on the recorded homes), with the median's own parameters.
                var parameters = tau == 0.5 ? settings.Parameters : settings.IntervalParameters ?? settings.Parameters;
                var outcome = XGBoostModel.Train(train, validation, BoostingObjective.Quantile(tau), parameters, cancellationToken);
                models.Add(outcome.Model);
                predictions.Add(outcome.Model.Predict(validation.Features));

                var name = $"{quantity}_p{(int)Math.Round(tau * 100):00}";
                metrics[$"{name}_rounds"] = outcome.BestRounds;
                metrics[$"{name}_validation_pinball"] = Math.Round(outcome.ValidationLoss * scale, 6);
                logger.LogInformation("  {Model}: {Rounds} rounds, validation pinball {Loss:0.0000}", name, outcome.BestRounds, outcome.ValidationLoss * scale);
            }
        }
        catch
        {
            foreach (var model in models)
            {
                model.Dispose();
            }

            throw;
        }

        // Conformalised quantile regression: widen (or narrow) the interval by the validation rows' nonconformity,
        // so the p10–p90 interval covers 80 % of days the models did not train on.
        var scores = new double[validationLabels.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var low = Math.Min(predictions[0][i], predictions[2][i]);
            var high = Math.Max(predictions[0][i], predictions[2][i]);
            scores[i] = Math.Max(low - validationLabels[i], validationLabels[i] - high);
        }

        var shift = ConformalShift(scores, validation.Weights);
        metrics[$"{quantity}_interval_shift"] = Math.Round(shift * scale, 6);
        var maxLabel = trainLabels.Concat(validationLabels).Max() * 1.25;
        return ([.. models], new QuantityCalibration { LabelScale = scale, IntervalShift = shift, MaxLabel = maxLabel });
    }

    /// <summary>The mean absolute error of the pairs whose target was measured in <paramref name="actual"/>.</summary>
    private static double MeanAbsoluteError(List<(long Issue, long Target)> pairs, Func<int, double> predicted, float[] actual, SlotHistory history)
    {
        var sum = 0.0;
        var count = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var value = actual[history.PositionOf(pairs[i].Target)];
            if (!float.IsNaN(value))
            {
                sum += Math.Abs(predicted(i) - value);
                count++;
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>
    /// The nonconformity score at <see cref="IntervalCoverage"/>: the plain conformal rank without weights; with them
    /// (PV rows weighted by their envelope), the weighted quantile, so dawn rows whose shares are large but whose
    /// energy is small do not widen the noon interval.
    /// </summary>
    private static double ConformalShift(double[] scores, float[]? weights)
    {
        if (scores.Length == 0)
        {
            return 0;
        }

        if (weights is null || weights.Length != scores.Length)
        {
            return Metrics.ConformalRank(scores, IntervalCoverage);
        }

        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        var total = weights.Sum(w => (double)w);
        var cumulative = 0.0;
        foreach (var i in order)
        {
            cumulative += weights[i];
            if (cumulative >= IntervalCoverage * total)
            {
                return scores[i];
            }
        }

        return scores[order[^1]];
    }

    /// <summary>
    /// The feature rows and labels of <paramref name="pairs"/>, with the rows whose load, and whose daylight PV, was
    /// measured. PV is learned as a share of the PV envelope, so each PV row is weighted by it (mean 1): the loss in
    /// share units, weighted, is the loss in kWh, the unit the forecast is judged in, and dawn counts less than noon.
    /// </summary>
    private static (FeatureMatrix Matrix, float[] Load, float[] Pv, int[] LoadRows, int[] PvRows, float[] PvWeights) Build(
        AuroraFeatures features, SlotHistory history, List<(long Issue, long Target)> pairs)
    {
        var matrix = new FeatureMatrix(new float[pairs.Count * AuroraFeatures.Count], AuroraFeatures.Count);
        var load = new float[pairs.Count];
        var pv = new float[pairs.Count];
        var loadRows = new List<int>(pairs.Count);
        var pvRows = new List<int>(pairs.Count);
        var pvWeights = new List<float>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            var (issue, target) = pairs[i];
            features.Compute(issue, target, matrix.Values.AsSpan(i * AuroraFeatures.Count, AuroraFeatures.Count));
            var position = history.PositionOf(target);
            load[i] = history.Load[position];
            if (!float.IsNaN(load[i]))
            {
                loadRows.Add(i);
            }

            if (features.SunElevation(target) > AuroraModel.SunDownElevation && !float.IsNaN(history.Pv[position]))
            {
                var denominator = features.PvEnvelope(issue, target);
                // A share far above the envelope is a dawn slot against a floored envelope, not more sun than the
                // best recent day: capped, so a handful of them cannot stretch every PV model.
                pv[i] = (float)Math.Min(history.Pv[position] / denominator, MaxPvShare);
                pvRows.Add(i);
                pvWeights.Add((float)denominator);
            }
        }

        var mean = pvWeights.Count == 0 ? 1 : pvWeights.Average();
        return (matrix, load, pv, [.. loadRows], [.. pvRows], [.. pvWeights.Select(w => w / mean)]);
    }

    /// <summary>The largest PV share of the envelope learned from (three times the best recent day at that time).</summary>
    private const double MaxPvShare = 3;

    /// <summary>The labels less their reference feature's value in each row; the labels themselves without one.</summary>
    private static float[] Relative(FeatureMatrix matrix, float[] labels, string? reference)
    {
        if (reference is null)
        {
            return labels;
        }

        var relative = new float[labels.Length];
        for (var i = 0; i < relative.Length; i++)
        {
            relative[i] = labels[i] - AuroraFeatures.Reference(reference, matrix.Row(i));
        }

        return relative;
    }

    private static FeatureMatrix Rows(FeatureMatrix matrix, int[] rows)
    {
        var values = new float[rows.Length * matrix.Columns];
        for (var i = 0; i < rows.Length; i++)
        {
            matrix.Row(rows[i]).CopyTo(values.AsSpan(i * matrix.Columns, matrix.Columns));
        }

        return new FeatureMatrix(values, matrix.Columns);
    }

    /// <summary>The mean absolute label, so boosting steps of a fixed size suit any home's size.</summary>
    private static double Scale(float[] labels)
    {
        var mean = labels.Length == 0 ? 0 : labels.Average(l => Math.Abs(l));
        return mean > 1e-6 ? mean : 1;
    }

    private static float[] Divide(float[] labels, double scale) => [.. labels.Select(l => (float)(l / scale))];
}
