using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Training;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Simulation;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary>
/// Aurora for the planner's closed loop, walking forward as <c>bench forecast</c> does: each plan's forecast is issued
/// at the plan time by a model trained only on the <see cref="TrainingDays"/> days before the local midnight it was
/// trained at (retrained every <see cref="RetrainEveryDays"/> days), and its features read only measurements of slots
/// that had ended by the plan time. The weather in <see cref="SlotHistory"/> after the plan time stands in for the
/// weather forecast (on a recorded data set: what was observed).
/// </summary>
public sealed class AuroraWalkForwardForecast(SlotHistory history, AuroraTrainingSettings settings, ILogger logger) : IPlanningForecastSource, IDisposable
{
    private readonly AuroraFeatures _features = new(history);
    private AuroraModel? _model;
    private DateOnly _trainedOn;

    public int TrainingDays { get; init; } = 365;

    public int RetrainEveryDays { get; init; } = 7;

    /// <summary>Trainings so far, and the local midnight (UTC instant) the latest one ended its window at.</summary>
    public int Trainings { get; private set; }

    public DateTimeOffset? LastTrainingWindowEnd { get; private set; }

    /// <summary>Trainings that lacked clean days and kept the model before.</summary>
    public int SkippedTrainings { get; private set; }

    public PlanningForecast Forecast(DateTimeOffset planTime, SlotRange horizon)
    {
        var zone = history.Site.TimeZone;
        var day = SlotGrid.LocalDateOf(planTime, zone);
        if (_model is null || day.DayNumber - _trainedOn.DayNumber >= RetrainEveryDays)
        {
            var windowEnd = SlotGrid.StartOfLocalDay(day, zone);
            var window = SlotRange.Between(SlotGrid.StartOfLocalDay(day.AddDays(-TrainingDays), zone), windowEnd);
            try
            {
                var (trained, _) = new AuroraTrainer(settings, logger).Train(history, window, $"aurora_bench_{DayText.Format(day)}", CancellationToken.None);
                _model?.Dispose();
                _model = trained;
                _trainedOn = day;
                Trainings++;
                LastTrainingWindowEnd = windowEnd;
            }
            catch (InsufficientTrainingDataException e) when (_model is not null)
            {
                // As the add-on does: a training that cannot run keeps the current model; it is tried again tomorrow.
                logger.LogWarning("{Message} Forecasting on with {Version}.", e.Message, _model.Version);
                _trainedOn = day.AddDays(1 - RetrainEveryDays);
                SkippedTrainings++;
            }
        }

        var load = new double[horizon.Count];
        var pv = new double[horizon.Count];
        var loadLow = new double[horizon.Count];
        var loadHigh = new double[horizon.Count];
        var pvLow = new double[horizon.Count];
        var pvHigh = new double[horizon.Count];
        foreach (var slot in _model.Forecast(_features, history, planTime, horizon))
        {
            var i = horizon.PositionOf(slot.SlotStart);
            if (i < 0 || i >= horizon.Count)
            {
                continue;
            }

            load[i] = slot.LoadP50Kwh;
            pv[i] = slot.PvP50Kwh;
            loadLow[i] = slot.LoadP10Kwh;
            loadHigh[i] = slot.LoadP90Kwh;
            pvLow[i] = slot.PvP10Kwh;
            pvHigh[i] = slot.PvP90Kwh;
        }

        return new PlanningForecast(load, pv, loadLow, loadHigh, pvLow, pvHigh, _model.Version);
    }

    public void Dispose() => _model?.Dispose();
}
