using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Darkstar.Core.Domain;
using Darkstar.Planning.Native;

namespace Darkstar.Planning.Solver;

/// <summary>
/// Solves a <see cref="LinearModel"/> with COIN-OR CBC. CBC 2.10's C API keeps static state in its
/// command-line driver, so every solve in the process goes through one lock; the model handle lives only
/// inside it, and the solution is copied out before the handle is freed.
/// </summary>
public static class CbcSolver
{
    private const double Infinity = double.MaxValue;

    // CBC 2.10 shares static state between models (CbcMain1): one solve at a time in the whole process.
    private static readonly Lock SolveLock = new();

    /// <summary>The version of the loaded CBC library (its <c>Cbc_getVersion</c>), e.g. 2.10.8.</summary>
    /// <exception cref="DllNotFoundException">The library is not installed.</exception>
    public static string LibraryVersion
    {
        get
        {
            CbcNative.EnsureResolver();
            return Marshal.PtrToStringUTF8(CbcNative.Cbc_getVersion()) ?? string.Empty;
        }
    }

    public static SolveResult Solve(LinearModel model, SolverSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        settings ??= SolverSettings.Default;
        var problem = ColumnMajorProblem.From(model);
        var started = Stopwatch.GetTimestamp();
        SolveResult result;
        lock (SolveLock)
        {
            result = SolveLocked(model, problem, settings);
        }

        return result with { SolveMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds };
    }

    private static SolveResult SolveLocked(LinearModel model, ColumnMajorProblem problem, SolverSettings settings)
    {
        var isMip = model.IntegerCount > 0;
        var handle = CreateLoaded(model, problem, problem.Objective, settings);
        try
        {
            var returnCode = CbcNative.Cbc_solve(handle);
            var optimal = CbcNative.Cbc_isProvenOptimal(handle) != 0;
            var infeasible = CbcNative.Cbc_isProvenInfeasible(handle) != 0;
            var status = isMip ? CbcNative.Cbc_status(handle) : -1;
            var secondary = isMip ? CbcNative.Cbc_secondaryStatus(handle) : -1;
            var unbounded = isMip && (CbcNative.Cbc_isContinuousUnbounded(handle) != 0 || secondary == 7);
            var timeLimit = isMip && (CbcNative.Cbc_isSecondsLimitReached(handle) != 0 || secondary == 4);
            var abandoned = CbcNative.Cbc_isAbandoned(handle) != 0;
            var values = CopySolution(handle, model.VariableCount, isMip);
            var objective = CbcNative.Cbc_getObjValue(handle) + model.ObjectiveConstant;
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"cbc return {returnCode}, status {status}, secondary {secondary}, proven optimal {optimal}, proven infeasible {infeasible}, unbounded {unbounded}, time limit {timeLimit}, abandoned {abandoned}");

            if (unbounded)
            {
                return Failed(SolveStatus.Unbounded, detail);
            }

            if (infeasible && !isMip)
            {
                // Clp says "infeasible" for a dual-infeasible (unbounded) LP too: a feasibility problem
                // (objective 0, which cannot be unbounded) tells the two apart.
                return IsFeasibleWithoutObjective(model, problem, settings)
                    ? Failed(SolveStatus.Unbounded, detail + "; feasible without the objective, so unbounded")
                    : Failed(SolveStatus.Infeasible, detail);
            }

            if (infeasible)
            {
                return Failed(SolveStatus.Infeasible, detail);
            }

            if (values is null)
            {
                return Failed(timeLimit ? SolveStatus.NoSolutionAtLimit : SolveStatus.Error, detail + "; no solution");
            }

            // Trust nothing a status flag says about values: check them against the model.
            var violation = SolutionCheck.FirstViolation(model, values);
            if (violation is not null)
            {
                if (!optimal && !timeLimit && !isMip && IsFeasibleWithoutObjective(model, problem, settings))
                {
                    return Failed(SolveStatus.Unbounded, detail + "; " + violation);
                }

                return Failed(timeLimit ? SolveStatus.NoSolutionAtLimit : SolveStatus.Error, detail + "; " + violation);
            }

            if (Math.Abs(objective) > 1e25 || double.IsNaN(objective))
            {
                return Failed(SolveStatus.Unbounded, detail + "; objective " + objective.ToString(CultureInfo.InvariantCulture));
            }

            var solved = optimal && !timeLimit
                ? SolveStatus.Optimal
                : timeLimit || (isMip && status == 1)
                    ? SolveStatus.FeasibleAtLimit
                    : SolveStatus.Error;
            if (solved == SolveStatus.Error)
            {
                return Failed(SolveStatus.Error, detail);
            }

            return new SolveResult { Status = solved, Objective = objective, Values = values, SolveMs = 0, Detail = detail };
        }
        finally
        {
            CbcNative.Cbc_deleteModel(handle);
        }
    }

    private static IntPtr CreateLoaded(LinearModel model, ColumnMajorProblem problem, double[] objective, SolverSettings settings)
    {
        CbcNative.EnsureResolver();
        var handle = CbcNative.Cbc_newModel();
        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("CBC could not create a model (Cbc_newModel returned null).");
        }

        CbcNative.Cbc_loadProblem(
            handle, problem.ColumnCount, problem.RowCount, problem.Starts, problem.RowIndices, problem.Values,
            problem.ColumnLower, problem.ColumnUpper, objective, problem.RowLower, problem.RowUpper);
        for (var c = 0; c < model.VariableCount; c++)
        {
            if (model.IsInteger[c])
            {
                CbcNative.Cbc_setInteger(handle, c);
            }
        }

        CbcNative.Cbc_setObjSense(handle, 1);
        CbcNative.Cbc_setLogLevel(handle, 0);
        CbcNative.Cbc_setParameter(handle, "log", "0");
        CbcNative.Cbc_setParameter(handle, "slog", "0");
        var seconds = Math.Max(settings.TimeLimitSeconds, 0.001);
        CbcNative.Cbc_setMaximumSeconds(handle, seconds);
        CbcNative.Cbc_setParameter(handle, "sec", seconds.ToString("R", CultureInfo.InvariantCulture));
        CbcNative.Cbc_setAllowableFractionGap(handle, settings.RelativeGap);
        CbcNative.Cbc_setParameter(handle, "ratio", settings.RelativeGap.ToString("R", CultureInfo.InvariantCulture));
        // One thread: the add-on shares two cores with Home Assistant, and solves are serialised anyway.
        CbcNative.Cbc_setParameter(handle, "threads", "0");
        foreach (var (name, value) in settings.CbcParameters)
        {
            CbcNative.Cbc_setParameter(handle, name, value);
        }

        return handle;
    }

    private static double[]? CopySolution(IntPtr handle, int columns, bool isMip)
    {
        if (CbcNative.Cbc_getNumCols(handle) != columns)
        {
            return null;
        }

        // For a MIP only the incumbent counts: without one, the column solution is a relaxation's.
        var pointer = isMip ? CbcNative.Cbc_bestSolution(handle) : CbcNative.Cbc_getColSolution(handle);
        if (pointer == IntPtr.Zero)
        {
            return null;
        }

        var values = new double[columns];
        Marshal.Copy(pointer, values, 0, columns);
        return values;
    }

    private static bool IsFeasibleWithoutObjective(LinearModel model, ColumnMajorProblem problem, SolverSettings settings)
    {
        var handle = CreateLoaded(model, problem, new double[problem.ColumnCount], settings);
        try
        {
            var returnCode = CbcNative.Cbc_solve(handle);
            return returnCode == 0 && CbcNative.Cbc_isProvenOptimal(handle) != 0;
        }
        finally
        {
            CbcNative.Cbc_deleteModel(handle);
        }
    }

    private static SolveResult Failed(SolveStatus status, string detail) =>
        new() { Status = status, Objective = double.NaN, Values = [], SolveMs = 0, Detail = detail };

    /// <summary>The model in CBC's column-major (CSC) form, with infinities as CBC's own.</summary>
    private sealed class ColumnMajorProblem
    {
        public required int ColumnCount { get; init; }

        public required int RowCount { get; init; }

        public required int[] Starts { get; init; }

        public required int[] RowIndices { get; init; }

        public required double[] Values { get; init; }

        public required double[] ColumnLower { get; init; }

        public required double[] ColumnUpper { get; init; }

        public required double[] Objective { get; init; }

        public required double[] RowLower { get; init; }

        public required double[] RowUpper { get; init; }

        public static ColumnMajorProblem From(LinearModel model)
        {
            var columns = model.VariableCount;
            var rows = model.Rows;
            var counts = new int[columns + 1];
            foreach (var row in rows)
            {
                foreach (var column in row.Columns)
                {
                    counts[column + 1]++;
                }
            }

            for (var c = 0; c < columns; c++)
            {
                counts[c + 1] += counts[c];
            }

            var starts = (int[])counts.Clone();
            var next = (int[])counts.Clone();
            var indices = new int[counts[columns]];
            var values = new double[counts[columns]];
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                for (var k = 0; k < row.Columns.Length; k++)
                {
                    var position = next[row.Columns[k]]++;
                    indices[position] = r;
                    values[position] = row.Coefficients[k];
                }
            }

            return new ColumnMajorProblem
            {
                ColumnCount = columns,
                RowCount = rows.Count,
                Starts = starts,
                RowIndices = indices,
                Values = values,
                ColumnLower = [.. model.Lower.Select(Clamp)],
                ColumnUpper = [.. model.Upper.Select(Clamp)],
                Objective = [.. model.Cost],
                RowLower = [.. rows.Select(r => Clamp(r.Lower))],
                RowUpper = [.. rows.Select(r => Clamp(r.Upper))],
            };
        }

        private static double Clamp(double value) => Math.Clamp(value, -Infinity, Infinity);
    }
}

/// <summary>Checks a solution against the model's bounds, rows and integrality, with a small tolerance.</summary>
internal static class SolutionCheck
{
    private const double Tolerance = 1e-5;

    public static string? FirstViolation(LinearModel model, IReadOnlyList<double> values)
    {
        for (var c = 0; c < model.VariableCount; c++)
        {
            var value = values[c];
            if (double.IsNaN(value) || value < model.Lower[c] - Scaled(model.Lower[c]) || value > model.Upper[c] + Scaled(model.Upper[c]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{model.NameOf(new Variable(c))} = {value} is outside [{model.Lower[c]}, {model.Upper[c]}]");
            }

            if (model.IsInteger[c] && Math.Abs(value - Math.Round(value)) > 1e-4)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{model.NameOf(new Variable(c))} = {value} is not integral");
            }
        }

        foreach (var row in model.Rows)
        {
            var activity = 0.0;
            for (var k = 0; k < row.Columns.Length; k++)
            {
                activity += row.Coefficients[k] * values[row.Columns[k]];
            }

            if (activity < row.Lower - Scaled(row.Lower) || activity > row.Upper + Scaled(row.Upper))
            {
                return string.Create(CultureInfo.InvariantCulture, $"constraint {row.Name} = {activity} is outside [{row.Lower}, {row.Upper}]");
            }
        }

        return null;
    }

    private static double Scaled(double bound) => double.IsInfinity(bound) ? 0 : Tolerance * Math.Max(1, Math.Abs(bound));
}
