using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Service;
using Darkstar.Simulation.Clock;
using Darkstar.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar bench soak --days N</c>: the whole service (the stepped <see cref="SimulatedService"/> of the service tests and
/// <c>serve --simulate</c>, retention included) against the simulated home for N simulated days as fast as the machine
/// goes; the database's size and rows, the process's memory, and each loop's round times in the first and the last week.
/// </summary>
public static class BenchSoakCommand
{
    /// <summary>The first simulated instant: a Monday in winter, midnight in Stockholm (the simulated home's zone).</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 4, 23, 0, 0, TimeSpan.Zero);

    private const string TemporaryFolderPrefix = "darkstar-soak-";

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var days = new Option<int>("--days") { Description = "Simulated days to run (at least 1).", DefaultValueFactory = _ => 7 };
        var noBroker = new Option<bool>("--no-broker") { Description = "Run without MQTT even where mosquitto is installed." };
        var homeInProcess = new Option<bool>("--home-in-process") { Description = "Run the simulated home in this process (its state history then counts in the RSS measured), not in a child process of its own." };
        var command = new Command("soak", "Run the whole service against the simulated home for N simulated days; database growth, memory and each loop's round times.")
        {
            days, noBroker, homeInProcess,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse, context, global, parse.GetValue(days), new SoakSetup(!parse.GetValue(noBroker), !parse.GetValue(homeInProcess)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CliContext context, GlobalOptions global, int days, SoakSetup setup, CancellationToken cancellationToken)
    {
        if (days < 1)
        {
            await context.Error.WriteLineAsync("bench soak: --days must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        var resolved = OptionsResolver.Resolve(parse, global, context);
        if (resolved is null)
        {
            return ExitCodes.InvalidInput;
        }

        var options = resolved.Options;
        if (options.Location is not { Latitude: { } latitude, Longitude: { } longitude, TimeZone: { } zoneId })
        {
            await context.Error.WriteLineAsync("bench soak: the options need location.latitude, location.longitude and location.time_zone.");
            return ExitCodes.InvalidInput;
        }

        var zone = TimeZones.Find(zoneId);
        OwnedTemporaryFolder.RemoveStale(TemporaryFolderPrefix);
        var given = parse.GetValue(global.Database)?.FullName;
        var temporary = given is null ? OwnedTemporaryFolder.Create(TemporaryFolderPrefix) : null;
        var path = given ?? Path.Combine(temporary!.FullName, "darkstar.db");
        using var logging = CliLogging.Create(LogLevelOption.Warning);
        try
        {
            var report = await SoakAsync(options, zone, new HomeSite(latitude, longitude, zone), path, days, setup, logging, context.Error, cancellationToken);
            await context.Output.WriteLineAsync(report.Describe());
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, report.ToJson());
            }

            return report.Errors == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (Exception e) when (e is SqliteException or DatabaseCorruptException)
        {
            await context.Error.WriteLineAsync($"bench soak: {DatabaseFaults.Describe(e, path)}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
        {
            await context.Error.WriteLineAsync($"bench soak: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            temporary?.Delete(recursive: true);
        }
    }

    /// <summary>Runs the soak and sums it up; a line per simulated day goes to <paramref name="progress"/>.</summary>
    public static async Task<SoakReport> SoakAsync(
        DarkstarOptions options, TimeZoneInfo zone, HomeSite site, string databasePath, int days, SoakSetup setup,
        ILoggerFactory logging, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(setup);
        var watch = Stopwatch.StartNew();
        await using var service = await SimulatedService.StartAsync(
            new SimulatedServiceOptions
            {
                Options = options,
                DatabasePath = databasePath,
                TimeZone = zone,
                Site = site,
                ClockMode = SimulationClockMode.Stepped,
                Start = DefaultStart,
                UseBroker = setup.UseBroker,
                HomeInOwnProcess = setup.HomeInOwnProcess,
                LogLevel = LogLevel.Warning,
                // A weekly Aurora training on a shared, busy machine: minutes, not a hang.
                IdlePatience = TimeSpan.FromMinutes(20),
            },
            logging,
            progress,
            cancellationToken);
        var rounds = new List<(string Loop, int Day, double Ms, double AllocatedMb)>();
        var started = service.Started;
        service.Get<LoopActivity>().RoundCompleted += round =>
        {
            lock (rounds)
            {
                rounds.Add((round.Loop, (int)((round.StartedAt - started).Ticks / TimeSpan.TicksPerDay), round.Duration.TotalMilliseconds, round.AllocatedBytes / 1e6));
            }
        };

        var database = service.Get<DarkstarDatabase>();
        var samples = new List<SoakSample> { Sample(database, 0, watch.Elapsed) };
        for (var day = 1; day <= days; day++)
        {
            // An hour at a time: the RSS is looked at after each simulated hour, so the day's peak is seen, not only its end.
            var dayPeakRssMb = 0.0;
            try
            {
                for (var hour = 0; hour < 24; hour++)
                {
                    await service.AdvanceAsync(TimeSpan.FromHours(1), cancellationToken);
                    dayPeakRssMb = Math.Max(dayPeakRssMb, ProcessRssMb());
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && day > 1)
            {
                // Ctrl+C or SIGTERM: the figures of the whole days run so far.
                await progress.WriteLineAsync($"soak stopped after {day - 1} of {days} days: the figures are those days'.");
                days = day - 1;
                break;
            }

            lock (rounds)
            {
                // Only the first and the latest week are reported: the days between are not kept (they would grow the RSS measured).
                rounds.RemoveAll(r => r.Day >= 7 && r.Day < day - 7);
            }

            var sample = Sample(database, day, watch.Elapsed);
            sample = sample with { PeakRssMb = Math.Max(dayPeakRssMb, sample.RssMb) };
            samples.Add(sample);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"soak day {day}/{days}: database {sample.DatabaseMb:0.00} MB ({sample.DatabaseMb - samples[^2].DatabaseMb:+0.00;-0.00} MB), " +
                $"RSS {sample.RssMb:0} MB (peak {sample.PeakRssMb:0} MB), managed heap {sample.HeapMb:0} MB, {sample.Elapsed.TotalSeconds:0} s"));
        }

        var summary = await service.StopAsync(CancellationToken.None);
        var rows = await new DatabaseStatistics(database).CountRowsAsync(CancellationToken.None);
        lock (rounds)
        {
            return new SoakReport(days, options.Retention, samples, rows, LoopFigures(rounds, days), summary.Errors, watch.Elapsed)
            {
                HomeInOwnProcess = setup.HomeInOwnProcess,
            };
        }
    }

    private static SoakSample Sample(DarkstarDatabase database, int day, TimeSpan elapsed)
    {
        // The file as it lies on the disk: the database and its write-ahead log.
        var bytes = new[] { database.Path, database.Path + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        var rss = ProcessRssMb();
        return new SoakSample(day, bytes / 1e6, rss, GC.GetGCMemoryInfo().HeapSizeBytes / 1e6, elapsed) { PeakRssMb = rss };
    }

    private static double ProcessRssMb()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / 1e6;
    }

    private static Dictionary<string, SoakLoopFigures> LoopFigures(List<(string Loop, int Day, double Ms, double AllocatedMb)> rounds, int days)
    {
        var lastWeekFrom = Math.Max(0, days - 7);
        return rounds.GroupBy(r => r.Loop, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new SoakLoopFigures(
                RoundTimes.Of([.. g.Where(r => r.Day < 7).Select(r => (r.Ms, r.AllocatedMb))]),
                RoundTimes.Of([.. g.Where(r => r.Day >= lastWeekFrom).Select(r => (r.Ms, r.AllocatedMb))])),
            StringComparer.Ordinal);
    }
}

/// <summary>How the soak runs: with its own mosquitto (where installed), and the simulated home in a child process (the RSS then the service's alone).</summary>
public sealed record SoakSetup(bool UseBroker = true, bool HomeInOwnProcess = true);

/// <summary>The database, the process's memory and the time taken after a simulated day; <see cref="PeakRssMb"/> is the highest RSS seen after each of its hours.</summary>
public sealed record SoakSample(int Day, double DatabaseMb, double RssMb, double HeapMb, TimeSpan Elapsed)
{
    public double PeakRssMb { get; init; }
}

/// <summary>A set of rounds' machine times, and the managed memory allocated while they ran (the largest round's).</summary>
public sealed record RoundTimes(int Rounds, double MedianMs, double P95Ms, double MaxAllocatedMb)
{
    public static RoundTimes Of(IReadOnlyList<(double Ms, double AllocatedMb)> rounds) =>
        new(rounds.Count,
            BenchCommands.Percentile([.. rounds.Select(r => r.Ms)], 0.5),
            BenchCommands.Percentile([.. rounds.Select(r => r.Ms)], 0.95),
            rounds.Count == 0 ? double.NaN : rounds.Max(r => r.AllocatedMb));
}

/// <summary>One loop's round times in the first and the last simulated week.</summary>
public sealed record SoakLoopFigures(RoundTimes FirstWeek, RoundTimes LastWeek)
{
    /// <summary>How much the last week's p95 is above (or below) the first week's, in percent.</summary>
    public double P95ChangePercent => FirstWeek.P95Ms > 0 ? ((LastWeek.P95Ms / FirstWeek.P95Ms) - 1) * 100 : double.NaN;
}

/// <summary>What <c>bench soak</c> prints.</summary>
public sealed record SoakReport(
    int Days,
    RetentionOptions Retention,
    IReadOnlyList<SoakSample> Samples,
    IReadOnlyDictionary<string, long> Rows,
    IReadOnlyDictionary<string, SoakLoopFigures> Loops,
    int Errors,
    TimeSpan Elapsed)
{
    /// <summary>True when the simulated home ran in a child process: the RSS is then Darkstar's alone.</summary>
    public bool HomeInOwnProcess { get; init; }

    /// <summary>Days in a three-year extrapolation.</summary>
    public const int ThreeYears = 1096;

    /// <summary>
    /// The first day whose growth counts as retention's steady state: once the forecast issues and the whole plans have
    /// reached their horizons (the last day when the run is shorter).
    /// </summary>
    public int SteadyFromDay => Math.Min(Days - 1, Math.Max(Retention.ForecastIssuesDays, Retention.PlansDays) + 2);

    /// <summary>Growth per simulated day from <see cref="SteadyFromDay"/> to the end, MB.</summary>
    public double GrowthMbPerDay => (Samples[^1].DatabaseMb - Samples[SteadyFromDay].DatabaseMb) / (Days - SteadyFromDay);

    /// <summary>The database after three years at <see cref="GrowthMbPerDay"/>, MB.</summary>
    public double ThreeYearsMb => Samples[^1].DatabaseMb + (GrowthMbPerDay * (ThreeYears - Days));

    /// <summary>The slope of each day's peak RSS over the last 30 days (MB per day, least squares); NaN for fewer than 40 days (the first 10 are warm-up).</summary>
    public double RssTrendMbPerDayLast30 => Days < 40 ? double.NaN : Slope([.. Samples.TakeLast(31).Select(s => ((double)s.Day, s.PeakRssMb))]);

    public string Describe()
    {
        var first = Samples[0];
        var last = Samples[^1];
        var loops = string.Join("; ", Loops.Select(l => string.Create(CultureInfo.InvariantCulture,
            $"{l.Key} p95 {l.Value.FirstWeek.P95Ms:0.#} → {l.Value.LastWeek.P95Ms:0.#} ms")));
        return string.Create(CultureInfo.InvariantCulture,
            $"Soaked {Days} simulated days in {Elapsed.TotalMinutes:0.0} min: database {first.DatabaseMb:0.0} → {last.DatabaseMb:0.0} MB " +
            $"({GrowthMbPerDay:0.00} MB a day from day {SteadyFromDay}; {ThreeYearsMb:0} MB in three years), RSS {first.RssMb:0} → {last.RssMb:0} MB " +
            $"(peak {Samples.Max(s => s.PeakRssMb):0}{(HomeInOwnProcess ? ", Darkstar alone" : ", the simulated home included")}), {Errors} errors. Loops: {loops}.");
    }

    public object ToJson() => new
    {
        days = Days,
        seconds = Math.Round(Elapsed.TotalSeconds, 1),
        db_mb_start = Math.Round(Samples[0].DatabaseMb, 2),
        db_mb_end = Math.Round(Samples[^1].DatabaseMb, 2),
        growth_from_day = SteadyFromDay,
        growth_mb_per_day = Math.Round(GrowthMbPerDay, 3),
        db_mb_three_years = Math.Round(ThreeYearsMb, 0),
        home_in_own_process = HomeInOwnProcess,
        rss_mb_start = Math.Round(Samples[0].RssMb, 1),
        rss_mb_end = Math.Round(Samples[^1].RssMb, 1),
        rss_mb_max = Math.Round(Samples.Max(s => s.PeakRssMb), 1),
        rss_trend_mb_per_day_last_30 = double.IsNaN(RssTrendMbPerDayLast30) ? (double?)null : Math.Round(RssTrendMbPerDayLast30, 3),
        heap_mb_end = Math.Round(Samples[^1].HeapMb, 1),
        errors = Errors,
        rows = Rows,
        db_mb_by_day = Samples.Select(s => Math.Round(s.DatabaseMb, 2)),
        rss_mb_by_day = Samples.Select(s => Math.Round(s.RssMb, 1)),
        rss_peak_mb_by_day = Samples.Select(s => Math.Round(s.PeakRssMb, 1)),
        loops = Loops.ToDictionary(
            l => l.Key,
            l => new
            {
                first_week = Times(l.Value.FirstWeek),
                last_week = Times(l.Value.LastWeek),
                p95_change_percent = double.IsNaN(l.Value.P95ChangePercent) ? (double?)null : Math.Round(l.Value.P95ChangePercent, 1),
            },
            StringComparer.Ordinal),
    };

    private static object Times(RoundTimes times) => new
    {
        rounds = times.Rounds,
        median_ms = double.IsNaN(times.MedianMs) ? (double?)null : Math.Round(times.MedianMs, 2),
        p95_ms = double.IsNaN(times.P95Ms) ? (double?)null : Math.Round(times.P95Ms, 2),
        max_allocated_mb = double.IsNaN(times.MaxAllocatedMb) ? (double?)null : Math.Round(times.MaxAllocatedMb, 1),
    };

    private static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var covariance = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        var variance = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return variance == 0 ? 0 : covariance / variance;
    }
}
