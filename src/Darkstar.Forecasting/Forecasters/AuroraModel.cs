using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;

namespace Darkstar.Forecasting.Forecasters;

/// <summary>How one quantity's model output becomes kWh, and how its interval was calibrated on validation data.</summary>
public sealed record QuantityCalibration
{
    /// <summary>Labels were divided by this before training, so every model learns on a scale near 1.</summary>
    public required double LabelScale { get; init; }

    /// <summary>Added to p90 and taken from p10 (in label units) so the validation p10–p90 interval covers 80 %.</summary>
    public required double IntervalShift { get; init; }

    /// <summary>The largest label seen in training, with head room: nothing above it is physical for this home.</summary>
    public required double MaxLabel { get; init; }

    /// <summary>
    /// The feature (known at issue time) the model's output is added to, in the quantity's label unit (kWh for load,
    /// a share of the envelope for PV); null when the model predicts the quantity itself. Load may be learned as a
    /// correction of <see cref="AuroraFeatures.LoadReferenceName"/> or <see cref="AuroraFeatures.LongLoadReferenceName"/>, PV as one
    /// of <see cref="AuroraFeatures.PvReferenceName"/>.
    /// </summary>
    public string? Reference { get; init; }
}

/// <summary>What is saved beside the six model files and in <c>model_runs</c>.</summary>
public sealed record AuroraModelMetadata
{
    public required string Version { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public required DateTimeOffset WindowStart { get; init; }

    public required DateTimeOffset WindowEnd { get; init; }

    public required BoostingParameters Parameters { get; init; }

    /// <summary>The p10 and p90 models' parameters, when they differ from <see cref="Parameters"/>.</summary>
    public BoostingParameters? IntervalParameters { get; init; }

    /// <summary>
    /// One calibration per set of load models, each learned relative to its own reference level; the load forecast is
    /// their mean.
    /// </summary>
    public required IReadOnlyList<QuantityCalibration> Load { get; init; }

    public required QuantityCalibration Pv { get; init; }

    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
}

/// <summary>
/// Aurora: load and PV at p10, p50 and p90 from gradient-boosted models. Load is learned in kWh by one or more sets of
/// three models, each a correction of its own recent level, and forecast as their mean; PV as a share of the home's
/// recent clear-day PV at that time of day (<see cref="AuroraFeatures.PvEnvelope"/>), and is zero when the sun is down.
/// </summary>
public sealed class AuroraModel : ISlotForecaster, IDisposable
{
    public const string MetadataFile = "aurora.json";

    public static readonly double[] Quantiles = [0.1, 0.5, 0.9];

    /// <summary>Below this elevation the sun is down and PV is zero (a little below 0° for refraction and slot width).</summary>
    public const double SunDownElevation = -2;

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly IReadOnlyList<IRegressionModel[]> _load;
    private readonly IRegressionModel[] _pv;

    /// <param name="load">One set of three load models (p10, p50, p90) per <see cref="AuroraModelMetadata.Load"/> calibration.</param>
    public AuroraModel(AuroraModelMetadata metadata, IReadOnlyList<IRegressionModel[]> load, IRegressionModel[] pv)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(pv);
        if (load.Count == 0 || load.Count != metadata.Load.Count || load.Any(set => set.Length != Quantiles.Length) || pv.Length != Quantiles.Length)
        {
            throw new ArgumentException("Aurora needs one model per quantile for PV and for each set of load models, and a calibration per set.");
        }

        Metadata = metadata;
        _load = load;
        _pv = pv;
    }

    public AuroraModelMetadata Metadata { get; }

    public string Version => Metadata.Version;

    public IReadOnlyList<SlotForecast> Forecast(AuroraFeatures features, SlotHistory history, DateTimeOffset issuedAt, SlotRange horizon)
    {
        ArgumentNullException.ThrowIfNull(features);
        var issue = SlotGrid.IndexOf(issuedAt);
        var targets = new long[horizon.Count];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = horizon.FirstIndex + i;
        }

        var predicted = Predict(features, targets.Select(t => (issue, t)).ToArray());
        var issued = InstantText.Truncate(issuedAt);
        // A car charging now goes on for a while: the trees, learned a day ahead, cannot know it.
        var session = CarSession.At(history, issue);
        // The load's error in the last hours, and the recent days' errors: the first hours' correction and the bands.
        var calibration = Calibration(features, history, SlotGrid.LocalDateOf(issuedAt, history.Site.TimeZone));
        var latestError = LiveCorrection ? LiveCalibration.LatestError(history, issue, DayAheadP50(features, history, issue)) : double.NaN;
        var forecasts = new SlotForecast[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            var (load, pv) = calibration.Apply(
                predicted[i].Load, predicted[i].Pv, (targets[i] - issue) / (double)SlotGrid.SlotsPerHour, latestError, features.PvEnvelope(issue, targets[i]));
            load = session?.Add(load, targets[i]) ?? load;
            forecasts[i] = SlotForecasts.Of(targets[i], Version, issued, load, pv);
        }

        return forecasts;
    }

    /// <summary>
    /// Whether forecasts are corrected by the model's own recent errors (<see cref="LiveCalibration"/>); off, they are
    /// the trees' alone.
    /// </summary>
    public bool LiveCorrection { get; set; } = true;

    private sealed record CachedCalibration(AuroraFeatures Features, DateOnly Day, LiveCalibration Calibration);

    private CachedCalibration? _calibration;

    /// <summary>The calibration for forecasts issued on <paramref name="day"/>, measured once per day and history.</summary>
    private LiveCalibration Calibration(AuroraFeatures features, SlotHistory history, DateOnly day)
    {
        if (!LiveCorrection)
        {
            return LiveCalibration.None;
        }

        var cached = _calibration;
        if (cached is not null && ReferenceEquals(cached.Features, features) && cached.Day == day)
        {
            return cached.Calibration;
        }

        var measured = LiveCalibration.Measure(this, features, history, day);
        _calibration = new CachedCalibration(features, day, measured);
        return measured;
    }

    /// <summary>The p50 load forecast of the slots whose error is the latest (<see cref="LiveCalibration.ErrorSlots"/>), each from the start of its local day.</summary>
    private Func<long, double> DayAheadP50(AuroraFeatures features, SlotHistory history, long issue)
    {
        var zone = history.Site.TimeZone;
        var slots = Enumerable.Range(1, LiveCalibration.ErrorSlots).Select(k => issue - k).Where(history.Contains).ToArray();
        var forecast = Predict(features, [.. slots.Select(s => (SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(features.DayOf(s), zone)), s))]);
        var bySlot = slots.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => forecast[x.i].Load.P50);
        return s => bySlot.TryGetValue(s, out var p50) ? p50 : double.NaN;
    }

    /// <summary>Load and PV quantiles in kWh for each (issue slot, target slot) pair.</summary>
    public IReadOnlyList<(QuantileTriple Load, QuantileTriple Pv)> Predict(AuroraFeatures features, IReadOnlyList<(long Issue, long Target)> pairs)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            return [];
        }

        var matrix = new FeatureMatrix(new float[pairs.Count * AuroraFeatures.Count], AuroraFeatures.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            features.Compute(pairs[i].Issue, pairs[i].Target, matrix.Values.AsSpan(i * AuroraFeatures.Count, AuroraFeatures.Count));
        }

        var load = _load.Select(set => set.Select(m => m.Predict(matrix)).ToArray()).ToArray();
        var pvMatrix = PvRows(matrix);
        var pv = _pv.Select(m => m.Predict(pvMatrix)).ToArray();
        var result = new (QuantileTriple, QuantileTriple)[pairs.Count];
        var s = Metadata.Pv;
        for (var i = 0; i < pairs.Count; i++)
        {
            // Each set's triple in kWh, then their mean: ordered triples average to an ordered one.
            double p10 = 0, p50 = 0, p90 = 0;
            for (var m = 0; m < load.Length; m++)
            {
                var l = Metadata.Load[m];
                var reference = l.Reference is null ? 0 : AuroraFeatures.Reference(l.Reference, matrix.Row(i));
                var member = QuantileTriple.Ordered(
                    reference + ((load[m][0][i] - l.IntervalShift) * l.LabelScale),
                    reference + (load[m][1][i] * l.LabelScale),
                    reference + ((load[m][2][i] + l.IntervalShift) * l.LabelScale),
                    l.MaxLabel * l.LabelScale);
                p10 += member.P10 / load.Length;
                p50 += member.P50 / load.Length;
                p90 += member.P90 / load.Length;
            }

            var loadTriple = new QuantileTriple(p10, p50, p90);
            var target = pairs[i].Target;
            QuantileTriple pvTriple = default;
            if (features.SunElevation(target) > SunDownElevation)
            {
                var envelope = features.PvEnvelope(pairs[i].Issue, target);
                var denominator = envelope * s.LabelScale;
                // The reference share in label units: the models learned PV share minus it.
                var share = s.Reference is null ? 0 : AuroraFeatures.Reference(s.Reference, pvMatrix.Row(i)) / s.LabelScale;
                pvTriple = QuantileTriple.Ordered(
                    (share + pv[0][i] - s.IntervalShift) * denominator,
                    (share + pv[1][i]) * denominator,
                    (share + pv[2][i] + s.IntervalShift) * denominator,
                    s.MaxLabel * denominator);
            }

            result[i] = (loadTriple, pvTriple);
        }

        return result;
    }

    /// <summary>A copy of <paramref name="matrix"/> as the PV models see it (<see cref="AuroraFeatures.HideLoadOnly"/>).</summary>
    public static FeatureMatrix PvRows(FeatureMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var values = matrix.Values.ToArray();
        for (var i = 0; i < matrix.Rows; i++)
        {
            AuroraFeatures.HideLoadOnly(values.AsSpan(i * matrix.Columns, matrix.Columns));
        }

        return new FeatureMatrix(values, matrix.Columns);
    }

    /// <summary>Writes the models as XGBoost JSON and the metadata beside them into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var q = 0; q < Quantiles.Length; q++)
        {
            for (var m = 0; m < _load.Count; m++)
            {
                _load[m][q].SaveJson(Path.Combine(folder, FileName(LoadFilePrefix(m), q)));
            }

            _pv[q].SaveJson(Path.Combine(folder, FileName("pv", q)));
        }

        File.WriteAllText(Path.Combine(folder, MetadataFile), JsonSerializer.Serialize(Metadata, Json));
    }

    /// <summary>Reads a model that <see cref="Save"/> wrote.</summary>
    public static AuroraModel Load(string folder)
    {
        var metadataPath = Path.Combine(folder, MetadataFile);
        if (!File.Exists(metadataPath))
        {
            throw new FileNotFoundException($"{metadataPath} is missing: the folder holds no Aurora model.", metadataPath);
        }

        AuroraModelMetadata metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<AuroraModelMetadata>(File.ReadAllText(metadataPath), Json)
                ?? throw new InvalidDataException($"{metadataPath} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{metadataPath} was written by another version of Aurora ({e.Message}); retrain with 'darkstar train'.", e);
        }

        if (!metadata.Features.SequenceEqual(AuroraFeatures.Names))
        {
            throw new InvalidDataException(
                $"{metadataPath} was trained on other features ({metadata.Features.Count}) than this version computes; retrain with 'darkstar train'.");
        }

        var load = metadata.Load.Select(_ => new IRegressionModel[Quantiles.Length]).ToArray();
        var pv = new IRegressionModel[Quantiles.Length];
        try
        {
            for (var q = 0; q < Quantiles.Length; q++)
            {
                for (var m = 0; m < load.Length; m++)
                {
                    load[m][q] = XGBoostModel.LoadJson(Path.Combine(folder, FileName(LoadFilePrefix(m), q)));
                }

                pv[q] = XGBoostModel.LoadJson(Path.Combine(folder, FileName("pv", q)));
            }
        }
        catch
        {
            foreach (var model in load.SelectMany(set => set).Concat(pv))
            {
                model?.Dispose();
            }

            throw;
        }

        return new AuroraModel(metadata, load, pv);
    }

    public static string FileName(string quantity, int quantile) =>
        $"{quantity}_p{(int)Math.Round(Quantiles[quantile] * 100):00}.json";

    /// <summary>The first set of load models is saved as load_pNN.json, the next ones as load2_pNN.json and on.</summary>
    private static string LoadFilePrefix(int member) => member == 0 ? "load" : $"load{member + 1}";

    public void Dispose()
    {
        foreach (var model in _load.SelectMany(set => set).Concat(_pv))
        {
            model.Dispose();
        }
    }
}
