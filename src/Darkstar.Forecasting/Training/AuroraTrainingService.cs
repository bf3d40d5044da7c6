using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Training;

/// <summary>The outcome of <see cref="AuroraTrainingService.TrainAsync"/>.</summary>
public sealed record TrainingResult(ModelRun Run, bool Promoted, string Summary);

/// <summary>
/// Trains Aurora on the last N whole local days, saves the models next to the database, records the run in
/// <c>model_runs</c>, and promotes the new version only if it validates at least as well as the current one on the
/// same validation days.
/// </summary>
public sealed class AuroraTrainingService(
    HistoryLoader loader,
    AuroraModelStore store,
    HomeSite site,
    AuroraTrainingSettings settings,
    TimeProvider time,
    ILogger<AuroraTrainingService> logger) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<TrainingResult> TrainAsync(int days, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        // Two trainings at once would race for the version name and the artifacts folder.
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await TrainCoreAsync(days, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<TrainingResult> TrainCoreAsync(int days, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = SlotGrid.LocalDateOf(now, site.TimeZone);
        var window = SlotRange.Between(SlotGrid.StartOfLocalDay(today.AddDays(-days), site.TimeZone), SlotGrid.StartOfLocalDay(today, site.TimeZone));
        var range = SlotRange.Between(window.Start - ForecastRunner.Lookback, window.End);
        var history = await loader.LoadAsync(site, range, window.End, FutureWeather.Observed, cancellationToken);
        var version = await store.NextVersionAsync(cancellationToken);
        var trainer = new AuroraTrainer(settings, logger);
        // Heavy native work: off the caller's thread so a host stays responsive.
        var (model, validation) = await Task.Run(() => trainer.Train(history, window, version, cancellationToken), cancellationToken);
        using (model)
        {
            var features = new AuroraFeatures(history);
            var metrics = new Dictionary<string, double>(model.Metadata.Metrics, StringComparer.Ordinal);
            var newScore = Score(model, features, history, validation);
            metrics["validation_combined_mae"] = Math.Round(newScore, 6);
            var current = await LoadCurrentOrNullAsync(cancellationToken);
            var promoted = true;
            var summary = $"{version} trained on {metrics["training_days"]} days; validation MAE load {metrics["validation_load_mae"]:0.0000}, PV {metrics["validation_pv_mae"]:0.0000} kWh per slot";
            if (current is not null)
            {
                var currentScore = Score(current, features, history, validation);
                metrics["current_validation_combined_mae"] = Math.Round(currentScore, 6);
                promoted = newScore <= currentScore;
                summary += promoted
                    ? $"; replaces {current.Version} ({currentScore:0.0000} → {newScore:0.0000} on the same days)"
                    : $"; kept {current.Version}, which validates better on the same days ({currentScore:0.0000} against {newScore:0.0000})";
            }

            metrics[AuroraModelStore.PromotedMetric] = promoted ? 1 : 0;
            var folder = store.Resolve(version);
            model.Save(folder);
            var run = new ModelRun
            {
                Version = version,
                Target = "load+pv",
                TrainedAt = InstantText.Truncate(now),
                WindowStart = window.Start,
                WindowEnd = window.End,
                FeaturesJson = JsonSerializer.Serialize(AuroraFeatures.Names),
                HyperparametersJson = JsonSerializer.Serialize(model.Metadata.Parameters),
                MetricsJson = JsonSerializer.Serialize(metrics),
                ArtifactPath = version,
                Status = RunStatus.Succeeded,
            };
            var id = await store.Runs.InsertAsync(run, cancellationToken);
            logger.LogInformation("{Summary}", summary);
            return new TrainingResult(run with { Id = id }, promoted, summary);
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>
    /// Why Aurora should be trained at start rather than at the next weekly retrain: there is no model yet (a first
    /// start, whose history has just been read), or the current one cannot be used (written by an older Aurora that
    /// computed other features, or its files are damaged). Null when the current model can be used.
    /// </summary>
    public async Task<string?> TrainAtStartReasonAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await store.LoadCurrentAsync(cancellationToken) is null ? "there is no model yet" : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Native.XGBoostException)
        {
            return $"the current model cannot be used: {e.Message}";
        }
    }

    /// <summary>
    /// The current model to compare with, or null when there is none or it cannot be read: a model written by an
    /// older Aurora (other features) is replaced by the new one rather than blocking every retrain after an upgrade.
    /// </summary>
    private async Task<AuroraModel?> LoadCurrentOrNullAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await store.LoadCurrentAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Native.XGBoostException)
        {
            logger.LogWarning("The current Aurora model cannot be loaded ({Message}); the new model replaces it", e.Message);
            return null;
        }
    }

    /// <summary>Mean absolute error of load and PV p50 together, in kWh per slot, on the given pairs.</summary>
    private static double Score(AuroraModel model, AuroraFeatures features, SlotHistory history, ValidationSet validation)
    {
        var predicted = model.Predict(features, validation.Pairs);
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var position = history.PositionOf(validation.Pairs[i].Target);
            sum += Math.Abs(predicted[i].Load.P50 - history.Load[position]) + Math.Abs(predicted[i].Pv.P50 - history.Pv[position]);
        }

        return predicted.Count == 0 ? double.NaN : sum / predicted.Count;
    }
}
