using System.Globalization;
using System.Text.Json.Serialization;
using Darkstar.Cli;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;

namespace Darkstar.Lab;

/// <summary>What a Lab export study asks: the day, the export targets, whether the planner is relaxed, the what-ifs.</summary>
public sealed record LabExportRequest(DateOnly Day, IReadOnlyList<double> Kwh, bool Relaxed, IReadOnlyList<string> Changes)
{
    public const string DefaultKwh = "1,2,4,8";

    /// <summary>The request, or null with the problem; <paramref name="name"/> spells a field as the caller shows it (<c>--day</c>, <c>day</c>).</summary>
    public static LabExportRequest? Parse(string? day, string? kwh, bool relaxed, IReadOnlyList<string>? changes, Func<string, string> name, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        problem = null;
        if (!DayText.TryParse(day, out var theDay))
        {
            problem = $"{name("day")}: '{day}' is not a date of the form yyyy-MM-dd.";
            return null;
        }

        var targets = new List<double>();
        foreach (var part in (kwh ?? DefaultKwh).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
            {
                problem = $"{name("kwh")}: '{part}' is not a positive number of kWh; give them comma-separated, e.g. 1,2,4,8.";
                return null;
            }

            targets.Add(value);
        }

        if (targets.Count == 0)
        {
            problem = $"{name("kwh")}: give at least one export target in kWh, comma-separated, e.g. 1,2,4,8.";
            return null;
        }

        return new LabExportRequest(theDay, targets, relaxed, changes ?? []);
    }
}

/// <summary>One manual plan's outcome: its target, the slots it forced, what they and the day exported, its cost and the difference to the planner's own.</summary>
public sealed record LabExportScenario(double TargetKwh, int Slots, double RealisedKwh, double ExportedKwh, double Cost, double VsOwnPlan);

/// <summary>What a Lab export study found, as <c>lab export --json</c> prints it (and the web UI's Lab keeps it).</summary>
public sealed record LabExportReport(string Day, bool Relaxed, double OwnPlanCost, double OwnPlanExportedKwh, IReadOnlyList<LabExportScenario> Scenarios)
{
    [JsonIgnore]
    public string Currency { get; init; } = string.Empty;
}

/// <summary>
/// The what-if Lab: "what if I export X kWh at the day's best prices?" Each scenario is a manual plan (forced slot actions
/// the planner takes as constraints, <see cref="ForcedSlot"/>) replayed over the whole day in the one closed loop, against
/// the planner's own plan of the day. <c>darkstar lab export</c> and the web UI's Lab run it here.
/// </summary>
public static class LabExportStudy
{
    /// <summary>A study whose day the database holds, ready to run: the day's slots and what happened around them.</summary>
    public sealed record Prepared(LabExportRequest Request, DarkstarOptions Options, BatterySpec Battery, GridSpec Grid, TimeZoneInfo Zone, SlotRange Period, ActualSeries Actual);

    /// <summary>Reads the day; null with the problem when it lacks load or prices, or nothing can be exported.</summary>
    public static async Task<(Prepared? Study, string? Problem)> PrepareAsync(
        LabExportRequest request, DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var battery = BatterySpec.FromOptions(options.Battery);
        if (request.Relaxed)
        {
            battery = battery with { CycleCostPerKwh = 0 };
        }

        var grid = GridSpec.FromOptions(options.Grid);
        if (Math.Min(battery.MaxDischargeKwhPerSlot, grid.MaxExportKwhPerSlot) <= 0)
        {
            return (null, "the battery or the grid allows no export (grid.export_allowed, battery.max_discharge_kw).");
        }

        var period = SlotGrid.LocalDay(request.Day, zone);
        var actual = await ActualSeriesReader.ReadAroundAsync(new SlotObservationRepository(database), new PriceRepository(database), period, cancellationToken);
        var first = actual.PositionOf(period.FirstIndex);
        if (Enumerable.Range(first, period.Count).Any(i => actual.Load[i] is null || actual.ImportPrice[i] is null || actual.ExportPrice[i] is null))
        {
            return (null, $"{DayText.Format(request.Day)} lacks load or prices in the database; choose a day it holds.");
        }

        return (new Prepared(request, options, battery, grid, zone, period, actual), null);
    }

    /// <summary>Runs the planner's own day and then each target's (progress 0 to 1 over all of them).</summary>
    public static async Task<LabExportReport> RunAsync(Prepared study, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        var (request, options, battery, period, actual) = (study.Request, study.Options, study.Battery, study.Period, study.Actual);
        var runs = request.Kwh.Count + 1;
        var done = 0;
        Task<ClosedLoopResult> RunAsync(IReadOnlyDictionary<DateTimeOffset, ForcedSlot> forced)
        {
            var settings = ClosedLoopReplay.Settings(
                options, battery, study.Grid, study.Zone, period, actual, SlotGrid.SlotsPerHour, ClosedLoopForecast.Baseline, null, ClosedLoopExecution.Executor,
                ClosedLoopReplay.Executor(options, battery));
            var before = done++;
            var share = progress is null ? null : new ShareOfProgress(progress, before, runs);
            return Task.Run(
                () => ClosedLoop.Run(actual, settings with { Forced = forced, ExportCaution = request.Relaxed ? 0 : settings.ExportCaution }, share, cancellationToken),
                cancellationToken);
        }

        var own = await RunAsync(new Dictionary<DateTimeOffset, ForcedSlot>());
        var first = actual.PositionOf(period.FirstIndex);
        // The day's best export prices first; each slot takes what the battery and the grid can give in it.
        var perSlot = Math.Min(battery.MaxDischargeKwhPerSlot, study.Grid.MaxExportKwhPerSlot);
        var ranked = Enumerable.Range(0, period.Count).OrderByDescending(i => actual.ExportPrice[first + i]!.Value).ThenBy(i => i).ToList();
        var scenarios = new List<LabExportScenario>();
        foreach (var target in request.Kwh)
        {
            var slotCount = Math.Min(period.Count, (int)Math.Ceiling((target / perSlot) - 1e-9));
            var chosen = ranked.Take(slotCount).ToList();
            var forced = chosen.ToDictionary(i => period[i], _ => new ForcedSlot(MinExportKwh: target / slotCount));
            var result = await RunAsync(forced);
            scenarios.Add(new LabExportScenario(
                target,
                slotCount,
                Math.Round(chosen.Sum(i => result.MpcSlots[i].ExportKwh), 3),
                Math.Round(result.MpcSlots.Sum(s => s.ExportKwh), 3),
                Math.Round(result.Mpc.Cost, 3),
                Math.Round(result.Mpc.Cost - own.Mpc.Cost, 3)));
        }

        return new LabExportReport(DayText.Format(request.Day), request.Relaxed, Math.Round(own.Mpc.Cost, 3), Math.Round(own.MpcSlots.Sum(s => s.ExportKwh), 3), scenarios)
        {
            Currency = options.Pricing.Currency,
        };
    }

    /// <summary>The command's text: the planner's own day, then a row per target.</summary>
    public static void WriteText(TextWriter output, LabExportReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Day}: the planner's own plan costs {report.OwnPlanCost:0.000} {report.Currency} with {report.OwnPlanExportedKwh:0.00} kWh exported{(report.Relaxed ? " (relaxed: no wear, no cautious export check)" : string.Empty)}."));
        output.WriteLine($"{"target kWh",10} {"slots",5} {"realised",9} {"exported",9} {"cost",9} {"vs own",8}");
        foreach (var s in report.Scenarios)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.TargetKwh,10:0.##} {s.Slots,5} {s.RealisedKwh,9:0.00} {s.ExportedKwh,9:0.00} {s.Cost,9:0.000} {s.VsOwnPlan,8:+0.000;-0.000}"));
        }
    }

    /// <summary>One closed loop's progress as its share of the study's (reported at once, in order, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class ShareOfProgress(IProgress<double> whole, int before, int runs) : IProgress<double>
    {
        public void Report(double value) => whole.Report((before + value) / runs);
    }
}
