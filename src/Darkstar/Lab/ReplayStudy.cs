using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Lab;

/// <summary>What a replay asks: the days, the forecasts its plans see, the what-ifs and how often it plans.</summary>
public sealed record ReplayRequest(DateOnly From, int Days, string Forecasts, IReadOnlyList<string> Changes, int ReplanMinutes)
{
    /// <summary>What the plans of a replay may see: the forecasts as issued, the 7-day baseline, Aurora walked forward, or what was measured.</summary>
    public static readonly IReadOnlyList<string> ForecastKinds = ["stored", "baseline", "aurora", "perfect"];

    public int ReplanSlots => ReplanMinutes / SlotGrid.MinutesPerSlot;

    /// <summary>
    /// The request, or null with the problem in <paramref name="problem"/>; <paramref name="name"/> spells a field as the
    /// caller shows it (<c>--from</c> on the command line, <c>from</c> in the API), so both say the same thing.
    /// </summary>
    public static ReplayRequest? Parse(
        string? from, int days, string? forecasts, IReadOnlyList<string>? changes, int replanMinutes, Func<string, string> name, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        problem = null;
        if (!DayText.TryParse(from, out var first))
        {
            problem = $"{name("from")}: '{from}' is not a date of the form yyyy-MM-dd.";
            return null;
        }

        if (days < 1 || replanMinutes < SlotGrid.MinutesPerSlot || replanMinutes % SlotGrid.MinutesPerSlot != 0)
        {
            problem = $"{name("days")} must be at least 1 and {name("replan_minutes")} a positive multiple of 15.";
            return null;
        }

        var kind = forecasts ?? "stored";
        if (!ForecastKinds.Contains(kind, StringComparer.Ordinal))
        {
            problem = $"{name("forecasts")}: '{kind}' is not one of {string.Join(", ", ForecastKinds)}.";
            return null;
        }

        return new ReplayRequest(first, days, kind, changes ?? [], replanMinutes);
    }
}

/// <summary>One replayed day's cost for each way of running the battery.</summary>
public sealed record ReplayDayReport(string Day, string Quality, double NoBattery, double SelfConsumption, double Mpc, double Oracle);

/// <summary>
/// What a replay found, as <c>replay --json</c> prints it (and the web UI's Lab keeps it); the fields marked not for JSON
/// are what the command's text says beside.
/// </summary>
public sealed record ReplayReport(
    string From,
    int Days,
    string Forecasts,
    IReadOnlyList<string> WhatIf,
    double NoBattery,
    double SelfConsumption,
    double Mpc,
    double Oracle,
    double? GainCapture,
    int Plans,
    int Fallbacks,
    int Commands,
    int Episodes,
    double Seconds,
    IReadOnlyList<ReplayDayReport> PerDay)
{
    [JsonIgnore]
    public string Headline { get; init; } = string.Empty;

    [JsonIgnore]
    public double FinalCreditPerKwh { get; init; }

    [JsonIgnore]
    public string Currency { get; init; } = string.Empty;
}

/// <summary>
/// The Time Machine: the home's own days again in closed loop, with only what was known at each plan, carried out by the
/// executor's own rule against what was measured, and costed against no battery, the self-consumption rule and the
/// Oracle. <c>darkstar replay</c> and the web UI's Lab run it here.
/// </summary>
public static class ReplayStudy
{
    /// <summary>A replay whose days the database holds, ready to run: what happened over them, read around its period.</summary>
    public sealed record Prepared(
        ReplayRequest Request, DarkstarOptions Options, TimeZoneInfo Zone, DarkstarDatabase Database, SlotRange Period, SlotRange Series, ActualSeries Actual, long Started);

    /// <summary>
    /// Reads what happened over the days (priced again on a tariff what-if); null with the problem when a slot has no load
    /// or no price. <paramref name="options"/> are those the replay plans with, the what-ifs applied.
    /// </summary>
    public static async Task<(Prepared? Replay, string? Problem)> PrepareAsync(
        ReplayRequest request, DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var period = SlotRange.Between(SlotGrid.StartOfLocalDay(request.From, zone), SlotGrid.StartOfLocalDay(request.From.AddDays(request.Days), zone));
        var series = ActualSeriesReader.Around(period);
        var actual = await ActualSeriesReader.ReadAsync(new SlotObservationRepository(database), new PriceRepository(database), series, cancellationToken);
        if (request.Changes.Any(c => c.StartsWith("pricing.", StringComparison.Ordinal)))
        {
            // A tariff what-if prices every slot again from its spot price, with the options' tariff as changed.
            actual = await WithTariffAsync(actual, new PriceRepository(database), Tariff.FromOptions(options.Pricing), cancellationToken);
        }

        var first = actual.PositionOf(period.FirstIndex);
        var missingLoad = Enumerable.Range(first, period.Count).Count(i => actual.Load[i] is null);
        var missingPrice = Enumerable.Range(first, period.Count).Count(i => actual.ImportPrice[i] is null || actual.ExportPrice[i] is null);
        if (missingLoad > 0 || missingPrice > 0)
        {
            return (null,
                $"of the {period.Count} slots from {DayText.Format(request.From)} over {request.Days} days, {missingLoad} have no load and {missingPrice} no price in the database; "
                + "choose days it holds (darkstar db stats, or import-dataset / backfill first).");
        }

        return (new Prepared(request, options, zone, database, period, series, actual, started), null);
    }

    /// <summary>
    /// Runs the replay (the closed loop's share of the work reported to <paramref name="progress"/>, 0 to 1), records the
    /// replayed slots of days not judged <c>exclude</c> as Antares's <c>simulation</c> episodes (replacing an earlier
    /// replay's of the same days) and reports each day's costs and the totals.
    /// </summary>
    public static async Task<ReplayReport> RunAsync(
        Prepared replay, ILoggerFactory logging, TimeProvider clock, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(clock);
        var (request, options, zone, database, actual) = (replay.Request, replay.Options, replay.Zone, replay.Database, replay.Actual);
        var battery = BatterySpec.FromOptions(options.Battery);
        var executor = ClosedLoopReplay.Executor(options, battery);
        using var aurora = request.Forecasts == "aurora" ? await AuroraAsync(options, zone, database, replay.Series, logging, cancellationToken) : null;
        StoredForecastSource? stored = null;
        if (request.Forecasts == "stored")
        {
            stored = await StoredAsync(options, zone, database, actual, replay.Series, cancellationToken);
        }

        var settings = ClosedLoopReplay.Settings(
            options, battery, GridSpec.FromOptions(options.Grid), zone, replay.Period, actual, request.ReplanSlots,
            request.Forecasts switch
            {
                "perfect" => ClosedLoopForecast.Perfect,
                "baseline" => ClosedLoopForecast.Baseline,
                _ => ClosedLoopForecast.Supplied,
            },
            (IPlanningForecastSource?)aurora ?? stored,
            ClosedLoopExecution.Executor,
            executor);
        var result = await Task.Run(() => ClosedLoop.Run(actual, settings, progress, cancellationToken), cancellationToken);
        var lastDay = request.From.AddDays(request.Days - 1);
        var verdicts = (await new DataQualityRepository(database).ReadRangeAsync(request.From, lastDay, cancellationToken)).ToDictionary(q => q.Day, q => q.Status);
        var quality = verdicts.ToDictionary(
            v => v.Key, v => v.Value switch { DayQualityStatus.Clean => "clean", DayQualityStatus.MaskBattery => "mask_battery", _ => "exclude" });
        // The replay's slots become Antares's simulation episodes, a replay of the same days replacing the last one's.
        var episodes = AntaresEpisodes.FromClosedLoop(result, actual, zone, battery, GridSpec.FromOptions(options.Grid), verdicts, clock.GetUtcNow());
        await new TrainingEpisodeRepository(database).ReplaceAsync(AntaresEpisodes.Simulation, request.From, lastDay, episodes, cancellationToken);
        var perDay = ReplayDay.Of(result, zone)
            .Select(d => new ReplayDayReport(DayText.Format(d.Day), quality.GetValueOrDefault(d.Day, "unjudged"), R(d.NoBattery), R(d.SelfConsumption), R(d.Mpc), R(d.Oracle)))
            .ToList();
        var headline =
            FormattableString.Invariant($"{request.Days} days from {DayText.Format(request.From)}: battery {battery.CapacityKwh} kWh / {battery.MaxChargeKw} kW, {request.Forecasts} forecasts")
            + (stored is null ? string.Empty : FormattableString.Invariant($" ({stored.StoredSlots} slots as issued, {stored.BaselineSlots} from the baseline)"))
            + FormattableString.Invariant($", a plan every {request.ReplanMinutes} min, carried out by the executor's rule")
            + (request.Changes.Count == 0 ? "." : $"; what-if {string.Join(", ", request.Changes)}.");
        return new ReplayReport(
            DayText.Format(request.From), request.Days, request.Forecasts, request.Changes,
            R(result.NoBattery.Cost), R(result.SelfConsumption.Cost), R(result.Mpc.Cost), R(result.Oracle.Cost),
            double.IsNaN(result.GainCapture) ? null : Math.Round(result.GainCapture, 4),
            result.Plans, result.FallbackPlans, executor.Commands.Count, episodes.Count,
            Math.Round(Stopwatch.GetElapsedTime(replay.Started).TotalSeconds, 1), perDay)
        {
            Headline = headline,
            FinalCreditPerKwh = settings.FinalCreditPerKwh,
            Currency = options.Pricing.Currency,
        };
    }

    /// <summary>The command's text: the headline, a row per day and the totals.</summary>
    public static void WriteText(TextWriter output, ReplayReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine(report.Headline);
        output.WriteLine($"{"day",-10} {"quality",-12} {"no battery",10} {"self-cons.",10} {"MPC",10} {"Oracle",10}");
        foreach (var d in report.PerDay)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Day,-10} {d.Quality,-12} {d.NoBattery,10:0.00} {d.SelfConsumption,10:0.00} {d.Mpc,10:0.00} {d.Oracle,10:0.00}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total ({report.Currency}, energy gained in the battery credited at {report.FinalCreditPerKwh:0.0000}/kWh): no battery {report.NoBattery:0.00}, self-consumption {report.SelfConsumption:0.00}, MPC {report.Mpc:0.00}, Oracle {report.Oracle:0.00}; gain capture {report.GainCapture ?? double.NaN:0.000}; {report.Plans} plans, {report.Fallbacks} fallbacks, {report.Commands} commands; {report.Episodes} slots recorded as episodes; {report.Seconds:0.0} s."));
    }

    private static double R(double value) => Math.Round(value, 2);

    private static async Task<ActualSeries> WithTariffAsync(ActualSeries actual, PriceRepository prices, Tariff tariff, CancellationToken cancellationToken)
    {
        var import = new double?[actual.Range.Count];
        var export = new double?[actual.Range.Count];
        foreach (var p in await prices.ReadRangeAsync(actual.Range, cancellationToken))
        {
            if (p.SpotPrice is { } spot)
            {
                var i = actual.Range.PositionOf(p.SlotStart);
                import[i] = tariff.ImportPrice(spot);
                export[i] = tariff.ExportPrice(spot);
            }
        }

        return actual with { ImportPrice = import, ExportPrice = export };
    }

    private static async Task<StoredForecastSource> StoredAsync(
        DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, ActualSeries actual, SlotRange series, CancellationToken cancellationToken)
    {
        var forecasts = new SlotForecastRepository(database);
        // The version the planner was told to use, else the baseline the forecaster always stores beside it.
        var issues = await forecasts.ReadRangeAsync(ForecastVersionText.Of(options.Forecasting.ActiveForecastVersion), series, cancellationToken);
        if (issues.Count == 0)
        {
            issues = await forecasts.ReadRangeAsync(SevenDayBaseline.Version, series, cancellationToken);
        }

        return new StoredForecastSource(issues, zone, actual.Measured);
    }

    private static async Task<AuroraWalkForwardForecast> AuroraAsync(
        DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, SlotRange series, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        if (options.Location.Latitude is not { } latitude || options.Location.Longitude is not { } longitude)
        {
            throw new PlanningInputException("--forecasts aurora needs location.latitude and location.longitude in the options for solar geometry.");
        }

        var site = new HomeSite(latitude, longitude, zone);
        var range = new SlotRange(series.FirstIndex - (options.Forecasting.TrainingDays * SlotGrid.SlotsPerUtcDay), series.Count + (options.Forecasting.TrainingDays * SlotGrid.SlotsPerUtcDay));
        var loader = new Forecasting.Inputs.HistoryLoader(new SlotObservationRepository(database), new WeatherRepository(database));
        var history = await loader.LoadAsync(site, range, range.End, Forecasting.Inputs.FutureWeather.Observed, cancellationToken);
        return new AuroraWalkForwardForecast(history, new Forecasting.Training.AuroraTrainingSettings(), logging.CreateLogger("replay"))
        {
            TrainingDays = options.Forecasting.TrainingDays,
        };
    }
}
