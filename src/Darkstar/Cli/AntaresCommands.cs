using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Antares;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar antares ...</c>: the environment (<c>env</c>), imitation training (<c>train</c>) and the policies' cost against
/// the MPC, the self-consumption rule and the Oracle (<c>evaluate</c>). Nothing here commands a battery.
/// </summary>
public static class AntaresCommands
{
    /// <summary>Times the environment runs a day for the speed figure, with a policy that needs no solve.</summary>
    private const int SpeedRuns = 50;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var antares = new Command("antares", "Antares, offline: the environment over a day, imitation training on episodes, evaluation by cost.");
        antares.Subcommands.Add(CreateEnv(context, global));
        antares.Subcommands.Add(CreateTrain(context, global));
        antares.Subcommands.Add(CreateEvaluate(context, global));
        return antares;
    }

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "A what-if, option=value as the options file spells it (repeatable), as replay takes it.",
    };

    /// <summary>The environment over the days from <paramref name="first"/> to <paramref name="last"/>, read with what they need around them.</summary>
    private static async Task<AntaresEnvironment> EnvironmentAsync(
        DarkstarOptions options, TimeZoneInfo zone, DarkstarDatabase database, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var days = SlotRange.Between(SlotGrid.StartOfLocalDay(first, zone), SlotGrid.StartOfLocalDay(last.AddDays(1), zone));
        var actual = await ActualSeriesReader.ReadAroundAsync(new SlotObservationRepository(database), new PriceRepository(database), days, cancellationToken);
        return new AntaresEnvironment(actual, BatterySpec.FromOptions(options.Battery), GridSpec.FromOptions(options.Grid), zone);
    }

    private static Command CreateEnv(CliContext context, GlobalOptions global)
    {
        var dayOption = new Option<string>("--day") { Description = "The local day, yyyy-MM-dd.", Required = true };
        var set = SetOption();
        var command = new Command("env", "Run the environment over one day on the MPC's actions (null actions); print each slot's action, what was clipped and the reward.")
        {
            dayOption, set,
        };
        command.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "antares env", async (baseOptions, zone, database, _) =>
        {
            if (!DayText.TryParse(parse.GetValue(dayOption), out var day))
            {
                await context.Error.WriteLineAsync($"--day: '{parse.GetValue(dayOption)}' is not a date of the form yyyy-MM-dd.");
                return ExitCodes.InvalidInput;
            }

            if (ReplayCommand.WhatIf(baseOptions, parse.GetValue(set) ?? [], context) is not { } options)
            {
                return ExitCodes.InvalidInput;
            }

            var env = await EnvironmentAsync(options, zone, database, day, day, cancellationToken);
            AntaresDay antaresDay;
            try
            {
                antaresDay = env.DayOf(day);
            }
            catch (ArgumentException e)
            {
                await context.Error.WriteLineAsync($"antares env: {e.Message} Choose a day the database holds, with its 8 days before.");
                return ExitCodes.InvalidInput;
            }

            var output = context.Output;
            output.WriteLine($"{"local time",-16} {"charge",7} {"dischg",7} {"export",7} {"import",7} {"SoC %",6} {"reward",8}  clipped");
            env.Reset(antaresDay);
            double total = 0;
            AntaresStep step;
            do
            {
                step = env.Step(null);
                total += step.Reward;
                var i = step.Info;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{TimeZoneInfo.ConvertTime(i.Slot, zone):yyyy-MM-dd HH:mm} {i.Applied.ChargeKwh,7:0.000} {i.Applied.DischargeKwh,7:0.000} {i.ExportKwh,7:0.000} {i.ImportKwh,7:0.000} {i.SocEndPercent,6:0.0} {step.Reward,8:0.0000}  {string.Join("; ", i.Clipped)}"));
            }
            while (!step.Done);

            var solves = env.Solves;
            var stepsPerSecond = StepsPerSecond(env, antaresDay);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{DayText.Format(day)}: {antaresDay.Slots.Count} slots, reward {total:0.0000} (cost {-total:0.0000} {options.Pricing.Currency}, the end's SoC credited), {solves} MPC plans; "
                + $"without solves the environment steps {stepsPerSecond:0} slots a second."));
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(output, new
                {
                    day = DayText.Format(day),
                    slots = antaresDay.Slots.Count,
                    reward = Math.Round(total, 4),
                    mpc_plans = solves,
                    steps_per_second = Math.Round(stepsPerSecond),
                });
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Slots a second over <see cref="SpeedRuns"/> runs of the day with a policy that needs no solve and is often clipped.</summary>
    private static double StepsPerSecond(AntaresEnvironment env, AntaresDay day)
    {
        var started = Stopwatch.GetTimestamp();
        var steps = 0;
        for (var run = 0; run < SpeedRuns; run++)
        {
            var state = env.Reset(day);
            AntaresStep step;
            do
            {
                // Charge while the import price is below the day's known mean, discharge above it.
                var action = state[4] < state[7] ? new AntaresAction(2, 0, 0) : new AntaresAction(0, 2, 0.5);
                step = env.Step(action);
                state = step.State;
                steps++;
            }
            while (!step.Done);
        }

        return steps / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>The SoCs (percent of capacity, above the minimum) each training day is run from: the teacher seen from fuller batteries too.</summary>
    private static readonly double[] TrainingStartSocs = [0, 50, 90];

    private static Command CreateTrain(CliContext context, GlobalOptions global)
    {
        var from = new Option<string>("--from") { Description = "First day of episodes to learn from, yyyy-MM-dd (default: the first recorded)." };
        var to = new Option<string>("--to") { Description = "Last day, yyyy-MM-dd, included (default: the last recorded)." };
        var holdOutFrom = new Option<string>("--hold-out-from") { Description = "First of the days not to learn from (to evaluate on), yyyy-MM-dd." };
        var holdOutDays = new Option<int>("--hold-out-days") { Description = "Days held out from --hold-out-from.", DefaultValueFactory = _ => 30 };
        var set = SetOption();
        var command = new Command("train", "Train Antares v1 on the episodes' days (the MPC's intents through the environment, the last fifth of the days held out for early stopping), and a clone of the Oracle beside it.")
        {
            from, to, holdOutFrom, holdOutDays, set,
        };
        command.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "antares train", async (baseOptions, zone, database, _) =>
        {
            var first = DateOnly.MinValue.AddYears(1999);
            var last = DateOnly.MaxValue.AddYears(-1);
            var heldFrom = DateOnly.MaxValue;
            if ((parse.GetValue(from) is { } fromText && !DayText.TryParse(fromText, out first)) || (parse.GetValue(to) is { } toText && !DayText.TryParse(toText, out last))
                || (parse.GetValue(holdOutFrom) is { } heldText && !DayText.TryParse(heldText, out heldFrom)) || parse.GetValue(holdOutDays) < 0)
            {
                await context.Error.WriteLineAsync("--from, --to and --hold-out-from are dates of the form yyyy-MM-dd, --hold-out-days 0 or more.");
                return ExitCodes.InvalidInput;
            }

            if (ReplayCommand.WhatIf(baseOptions, parse.GetValue(set) ?? [], context) is not { } options)
            {
                return ExitCodes.InvalidInput;
            }

            var heldTo = heldFrom == DateOnly.MaxValue ? heldFrom : heldFrom.AddDays(Math.Max(0, parse.GetValue(holdOutDays) - 1));
            var repository = new TrainingEpisodeRepository(database);
            var episodes = (await repository.ReadRangeAsync(AntaresEpisodes.Simulation, first, last, cancellationToken))
                .Concat(await repository.ReadRangeAsync(AntaresEpisodes.Live, first, last, cancellationToken)).ToList();

            // The days to learn from are the episodes' days with battery targets (gated by their data quality), less those held out.
            var days = episodes.Where(e => AntaresEpisodes.Decisions(e) is { BatteryMasked: false, ChargeKwh: not null })
                .Select(e => e.Day).Where(d => d < heldFrom || d > heldTo).Distinct().Order().ToList();
            if (days.Count < 5)
            {
                await context.Error.WriteLineAsync($"antares train: {days.Count} days of episodes with battery targets between those days (less those held out); it needs at least 5. Run darkstar replay over more days first.");
                return ExitCodes.InvalidInput;
            }

            // Time-based: the last fifth of the days validates (early stopping and the errors), the rest trains.
            var validationDays = days.Skip(days.Count - Math.Max(1, days.Count / 5)).ToHashSet();
            var trainDays = days.Where(d => !validationDays.Contains(d)).ToList();
            var env = await EnvironmentAsync(options, zone, database, days[0], days[^1], cancellationToken);
            var battery = env.Battery;
            var mpcRows = new List<ImitationRow>();
            var oracleRows = new List<ImitationRow>();
            foreach (var day in days)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var antaresDay = env.DayOf(day);
                foreach (var start in TrainingStartSocs)
                {
                    var soc = battery.MinSocPercent + (start / 100 * (battery.MaxSocPercent - battery.MinSocPercent));
                    // The MPC as the environment runs it (null actions): its plan's slot as the executor ran it.
                    Rollout(env, antaresDay, soc, mpcRows, (_, _) => null);

                    // The Oracle's schedule from the same SoC (upstream cloned these), run the same way.
                    var oracle = KeplerModel.Solve(antaresDay.Problem with { InitialSocPercent = soc });
                    Rollout(env, antaresDay, soc, oracleRows, (t, _) => ExecutorIntent.Of(oracle.Slots[t], battery));
                }
            }

            var folder = Path.Combine(Path.GetDirectoryName(database.Path) ?? ".", "antares");
            var runs = new AntaresTrainingRunRepository(database);
            var output = context.Output;
            var source = $"{string.Join("+", episodes.Select(e => e.SystemId).Distinct())} episodes' days, run from {string.Join(", ", TrainingStartSocs)} % above the minimum SoC";
            var mpc = await TrainRunAsync(context, runs, AntaresPolicy.MpcClone, $"MPC through the environment on the {source}: {mpcRows.Count} slots",
                days[0], days[^1], mpcRows, validationDays, battery, folder, cancellationToken);
            var oracleRun = await TrainRunAsync(context, runs, AntaresPolicy.OracleClone, $"Oracle on the {source}: {oracleRows.Count} slots",
                days[0], days[^1], oracleRows, validationDays, battery, folder, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trained on {trainDays.Count} days ({DayText.Format(trainDays[0])} to {DayText.Format(trainDays[^1])}), validated on {validationDays.Count}: run {mpc.Id} ({AntaresPolicy.MpcClone}) and run {oracleRun.Id} ({AntaresPolicy.OracleClone}) in {folder}."));
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(output, new
                {
                    train_days = trainDays.Count,
                    validation_days = validationDays.Count,
                    held_out = heldFrom == DateOnly.MaxValue ? null : new { from = DayText.Format(heldFrom), to = DayText.Format(heldTo) },
                    runs = new[] { mpc, oracleRun }.Select(r => new { id = r.Id, model_type = r.ModelType, metrics = JsonDocument.Parse(r.MetricsJson!).RootElement, artifact = r.ArtifactPath }),
                });
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Runs <paramref name="day"/> from <paramref name="socPercent"/> on <paramref name="decide"/>'s intents (null: the MPC's), adding each state and the intent run.</summary>
    private static void Rollout(AntaresEnvironment env, AntaresDay day, double socPercent, List<ImitationRow> rows, Func<int, double[], ExecutorIntent?> decide)
    {
        var state = env.Reset(day, socPercent);
        AntaresStep step;
        var t = 0;
        do
        {
            var intent = decide(t++, state);
            step = intent is { } asked ? env.Step(asked) : env.Step((AntaresAction?)null);
            rows.Add(new ImitationRow(day.Day, state, step.Info.Intent!.Value));
            state = step.State;
        }
        while (!step.Done);
    }

    private static async Task<AntaresTrainingRun> TrainRunAsync(
        CliContext context, AntaresTrainingRunRepository runs, string modelType, string datasetVersion, DateOnly first, DateOnly last,
        List<ImitationRow> rows, HashSet<DateOnly> validationDays, BatterySpec battery, string folder, CancellationToken cancellationToken)
    {
        var train = rows.Where(r => !validationDays.Contains(r.Day)).ToList();
        var validation = rows.Where(r => validationDays.Contains(r.Day)).ToList();
        var run = new AntaresTrainingRun
        {
            StartedAt = InstantText.Truncate(context.Clock.GetUtcNow()),
            DatasetVersion = datasetVersion,
            WindowStartDay = first,
            WindowEndDay = last,
            ModelType = modelType,
            TargetsJson = JsonSerializer.Serialize(AntaresPolicy.Targets),
            HyperparametersJson = JsonSerializer.Serialize(AntaresPolicy.Parameters, JsonReport.Options),
            Status = RunStatus.Running,
        };
        run = run with { Id = await runs.InsertAsync(run, cancellationToken) };
        var (policy, metrics) = await Task.Run(() => AntaresPolicy.Train(train, validation, battery, cancellationToken), cancellationToken);
        using (policy)
        {
            // Versioned by run: a new training never overwrites the artifacts an older run's row points at.
            var artifact = Path.Combine(folder, $"run-{run.Id}");
            policy.Save(artifact);
            metrics["train_slots"] = train.Count;
            metrics["validation_slots"] = validation.Count;
            metrics["validation_days"] = string.Join(",", validation.Select(r => r.Day).Distinct().Order().Select(DayText.Format));
            metrics["train_days"] = string.Join(",", train.Select(r => r.Day).Distinct().Order().Select(DayText.Format));
            run = run with
            {
                FinishedAt = InstantText.Truncate(context.Clock.GetUtcNow()),
                MetricsJson = JsonSerializer.Serialize(metrics, JsonReport.Options),
                ArtifactPath = artifact,
                Status = RunStatus.Succeeded,
            };
            await runs.UpdateAsync(run, cancellationToken);
            context.Output.WriteLine($"run {run.Id} {modelType}: {run.MetricsJson}");
            return run;
        }
    }

    internal sealed record Totals(string Name, double Cost, int Days, int ClippedSlots);

    private static Command CreateEvaluate(CliContext context, GlobalOptions global)
    {
        var from = new Option<string>("--from") { Description = "First local day, yyyy-MM-dd.", Required = true };
        var days = new Option<int>("--days") { Description = "Local days to evaluate on (days without data are skipped and counted).", DefaultValueFactory = _ => 30 };
        var set = SetOption();
        var command = new Command("evaluate", "Run the latest trained policies through the environment and cost them against the MPC, the self-consumption rule and the Oracle.")
        {
            from, days, set,
        };
        command.SetAction((parse, cancellationToken) => PlanCommands.WithDatabaseAsync(parse, context, global, "antares evaluate", async (baseOptions, zone, database, _) =>
        {
            if (!DayText.TryParse(parse.GetValue(from), out var first) || parse.GetValue(days) < 1)
            {
                await context.Error.WriteLineAsync("--from is a date of the form yyyy-MM-dd and --days at least 1.");
                return ExitCodes.InvalidInput;
            }

            if (ReplayCommand.WhatIf(baseOptions, parse.GetValue(set) ?? [], context) is not { } options)
            {
                return ExitCodes.InvalidInput;
            }

            var runs = (await new AntaresTrainingRunRepository(database).ReadAllAsync(cancellationToken))
                .Where(r => r.Status == RunStatus.Succeeded && r.ArtifactPath is not null && AntaresPolicy.CanLoad(r.ArtifactPath))
                .GroupBy(r => r.ModelType).Select(g => g.Last()).ToList();
            if (runs.Count == 0)
            {
                await context.Error.WriteLineAsync("antares evaluate: no trained policy; run darkstar antares train first.");
                return ExitCodes.InvalidInput;
            }

            var last = first.AddDays(parse.GetValue(days) - 1);
            var env = await EnvironmentAsync(options, zone, database, first, last, cancellationToken);
            var policies = runs.Select(r => (Run: r, Policy: AntaresPolicy.Load(r.ArtifactPath!))).ToList();
            try
            {
                var (totals, evaluated, skipped) = Evaluate(env, first, last, policies.Select(p => (p.Run.ModelType, (Func<double[], ExecutorIntent>)(s => p.Policy.Decide(s, env.Battery)))).ToList());
                var output = context.Output;
                if (evaluated == 0)
                {
                    await context.Error.WriteLineAsync($"antares evaluate: none of the {parse.GetValue(days)} days from {DayText.Format(first)} has its load, prices and 8 days before in the database.");
                    return ExitCodes.InvalidInput;
                }

                var mpcCost = totals.Single(t => t.Name == "mpc").Cost;
                var overlap = runs.Where(r => LearntFrom(r, first, last)).Select(r => r.Id).ToList();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{evaluated} days from {DayText.Format(first)} ({skipped} skipped without data), each from the minimum SoC, the end's SoC credited:"));
                foreach (var t in totals)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {t.Name,-26} {t.Cost,10:0.00} {options.Pricing.Currency}  {(t.Cost - mpcCost) / Math.Abs(mpcCost):+0.0%;-0.0%} vs MPC  {t.ClippedSlots} slots clipped"));
                }

                if (overlap.Count > 0)
                {
                    output.WriteLine($"  note: runs {string.Join(", ", overlap)} trained on days in this range: evaluate on days after their window for an honest figure.");
                }

                var clones = totals.Where(t => policies.Any(p => p.Run.ModelType == t.Name)).OrderBy(t => t.Cost).ToList();
                // Each run's row keeps its latest cost figures beside its training errors.
                var repository = new AntaresTrainingRunRepository(database);
                foreach (var clone in clones)
                {
                    var run = runs.Single(r => r.ModelType == clone.Name);
                    var metrics = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(run.MetricsJson ?? "{}") ?? [];
                    metrics["evaluation"] = JsonSerializer.SerializeToElement(new
                    {
                        from = DayText.Format(first),
                        days = evaluated,
                        cost = R(clone.Cost),
                        mpc = R(mpcCost),
                        self_consumption = R(totals.Single(t => t.Name == "self-consumption").Cost),
                        oracle = R(totals.Single(t => t.Name == "oracle").Cost),
                    });
                    await repository.UpdateAsync(run with { MetricsJson = JsonSerializer.Serialize(metrics) }, cancellationToken);
                }

                if (parse.GetValue(global.Json))
                {
                    JsonReport.Write(output, new
                    {
                        from = DayText.Format(first),
                        days = evaluated,
                        skipped,
                        no_battery = R(totals.Single(t => t.Name == "no battery").Cost),
                        self_consumption = R(totals.Single(t => t.Name == "self-consumption").Cost),
                        mpc = R(mpcCost),
                        oracle = R(totals.Single(t => t.Name == "oracle").Cost),
                        policies = clones.Select(t => new
                        {
                            model_type = t.Name,
                            run = runs.Single(r => r.ModelType == t.Name).Id,
                            cost = R(t.Cost),
                            vs_mpc_percent = Math.Round(100 * (t.Cost - mpcCost) / Math.Abs(mpcCost), 2),
                            clipped_slots = t.ClippedSlots,
                        }),
                        better_imitation = clones.FirstOrDefault()?.Name,
                        trained_on_these_days = overlap,
                    });
                }

                return ExitCodes.Success;
            }
            finally
            {
                foreach (var (_, policy) in policies)
                {
                    policy.Dispose();
                }
            }
        }, cancellationToken));
        return command;
    }

    private static double R(double value) => Math.Round(value, 2);

    /// <summary>Whether <paramref name="run"/> learnt from a day from <paramref name="first"/> to <paramref name="last"/>: its days as its metrics list them, else its window.</summary>
    private static bool LearntFrom(AntaresTrainingRun run, DateOnly first, DateOnly last)
    {
        using var metrics = JsonDocument.Parse(run.MetricsJson ?? "{}");
        if (metrics.RootElement.TryGetProperty("train_days", out var trainDays) && metrics.RootElement.TryGetProperty("validation_days", out var validationDays))
        {
            return $"{trainDays.GetString()},{validationDays.GetString()}".Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Any(d => DayText.TryParse(d, out var day) && day >= first && day <= last);
        }

        return run.WindowStartDay <= last && run.WindowEndDay >= first;
    }

    /// <summary>
    /// Every day from <paramref name="first"/> to <paramref name="last"/> that has its data, from the minimum SoC: no battery, the
    /// self-consumption rule, the MPC (null actions), the Oracle's schedule and each policy, all stepped through the environment.
    /// </summary>
    internal static (List<Totals> Totals, int Evaluated, int Skipped) Evaluate(
        AntaresEnvironment env, DateOnly first, DateOnly last, IReadOnlyList<(string Name, Func<double[], ExecutorIntent> Decide)> policies)
    {
        var sums = new Dictionary<string, (double Cost, int Clipped)>(StringComparer.Ordinal);
        int evaluated = 0, skipped = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            AntaresDay antaresDay;
            try
            {
                antaresDay = env.DayOf(day);
            }
            catch (ArgumentException)
            {
                skipped++;
                continue;
            }

            evaluated++;
            var problem = antaresDay.Problem;
            var oracle = KeplerModel.Solve(problem);
            var none = new AntaresAction(0, 0, 0);
            var strategies = new List<(string Name, Func<int, double[], AntaresStep> Step)>
            {
                ("no battery", (_, _) => env.Step(none)),
                ("self-consumption", (t, _) =>
                {
                    var net = problem.LoadKwh[t] - problem.PvKwh[t];
                    return env.Step(net < 0 ? new AntaresAction(-net, 0, 0) : new AntaresAction(0, net, 0));
                }),
                ("mpc", (_, _) => env.Step((AntaresAction?)null)),
                ("oracle", (t, _) => env.Step(new AntaresAction(oracle.Slots[t].ChargeKwh, oracle.Slots[t].DischargeKwh, 0))),
            };
            strategies.AddRange(policies.Select(p => (p.Name, (Func<int, double[], AntaresStep>)((_, state) => env.Step(p.Decide(state))))));
            foreach (var (name, stepOf) in strategies)
            {
                var state = env.Reset(antaresDay);
                double reward = 0;
                var clipped = 0;
                AntaresStep step;
                var t = 0;
                do
                {
                    step = stepOf(t++, state);
                    state = step.State;
                    reward += step.Reward;
                    clipped += step.Info.Clipped.Count > 0 ? 1 : 0;
                }
                while (!step.Done);

                var (cost, clips) = sums.GetValueOrDefault(name);
                sums[name] = (cost - reward, clips + (name == "no battery" ? 0 : clipped));
            }
        }

        return ([.. sums.Select(s => new Totals(s.Key, s.Value.Cost, evaluated, s.Value.Clipped))], evaluated, skipped);
    }
}
