using Darkstar.Core.Domain;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Tests;

public sealed class CbcSolverTests
{
    [Fact]
    public void Solve_SmallLp_FindsKnownOptimum()
    {
        // max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3 → x = 3, y = 1, value 11.
        var model = new LinearModel();
        var x = model.Continuous("x", 0, 3);
        var y = model.Continuous("y");
        model.AtMost("c1", x + y, 4);
        model.AtMost("c2", new LinearExpression().Add(x).Add(y, 3), 6);
        model.Minimize(new LinearExpression().Add(x, -3).Add(y, -2));

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Equal(-11, result.Objective, 6);
        Assert.Equal(3, result[x], 6);
        Assert.Equal(1, result[y], 6);
    }

    [Fact]
    public void Solve_SmallMilp_FindsKnownIntegerOptimum()
    {
        // Knapsack: values 10, 13, 7, 8; weights 5, 7, 4, 3; capacity 10 → items 1 and 3 (weight 10, value 21).
        var model = new LinearModel();
        double[] value = [10, 13, 7, 8];
        double[] weight = [5, 7, 4, 3];
        var take = Enumerable.Range(0, 4).Select(i => model.Binary($"take{i}")).ToArray();
        var load = new LinearExpression();
        var objective = new LinearExpression();
        for (var i = 0; i < 4; i++)
        {
            load.Add(take[i], weight[i]);
            objective.Add(take[i], -value[i]);
        }

        model.AtMost("capacity", load, 10);
        model.Minimize(objective);

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Equal(-21, result.Objective, 6);
        Assert.Equal([0, 1, 0, 1], take.Select(t => Math.Round(result[t])).ToArray());
    }

    [Fact]
    public void Solve_MilpWhoseRelaxationIsFractional_RoundsToTheIntegerOptimum()
    {
        // max x + y, 2x + 2y ≤ 3, integers → 1 (the LP relaxation gives 1.5).
        var model = new LinearModel();
        var x = model.WholeNumber("x", 0, 10);
        var y = model.WholeNumber("y", 0, 10);
        model.AtMost("c", new LinearExpression().Add(x, 2).Add(y, 2), 3);
        model.Minimize(new LinearExpression().Add(x, -1).Add(y, -1).AddConstant(5));

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Optimal, result.Status);
        Assert.Equal(4, result.Objective, 6);
    }

    [Fact]
    public void Solve_InfeasibleLp_ReportsInfeasible()
    {
        var model = new LinearModel();
        var x = model.Continuous("x", 0, 10);
        model.AtLeast("low", x, 5);
        model.AtMost("high", x, 3);
        model.Minimize(x, 1);

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Infeasible, result.Status);
        Assert.False(result.HasSolution);
    }

    [Fact]
    public void Solve_InfeasibleMilp_ReportsInfeasible()
    {
        var model = new LinearModel();
        var x = model.WholeNumber("x", 0, 10);
        model.Between("between", new LinearExpression().Add(x, 2), 3, 3.5);
        model.Minimize(x, 1);

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Infeasible, result.Status);
    }

    [Fact]
    public void Solve_UnboundedLp_ReportsUnbounded()
    {
        var model = new LinearModel();
        var x = model.Continuous("x");
        var y = model.Continuous("y", 0, 1);
        model.AtLeast("c", x - y, 0);
        model.Minimize(x, -1);

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Unbounded, result.Status);
    }

    [Fact]
    public void Solve_UnboundedMilp_ReportsUnbounded()
    {
        var model = new LinearModel();
        var x = model.Continuous("x");
        var b = model.Binary("b");
        model.AtLeast("c", x - b, 0);
        model.Minimize(new LinearExpression().Add(x, -1).Add(b, 1));

        var result = CbcSolver.Solve(model);

        Assert.Equal(SolveStatus.Unbounded, result.Status);
    }

    [Fact]
    public async Task Solve_ManyTasksAtOnce_EachGetsItsOwnOptimum()
    {
        var tasks = Enumerable.Range(1, 40).Select(k => Task.Run(() =>
        {
            // min -x with x integer ≤ k + 0.5 → x = k.
            var model = new LinearModel();
            var x = model.WholeNumber("x", 0, 1000);
            var y = model.Continuous("y", 0, 1000);
            model.AtMost("cap", x + y, k + 0.5);
            model.Minimize(new LinearExpression().Add(x, -1).Add(y, -0.1));
            var result = CbcSolver.Solve(model);
            return (k, result);
        })).ToArray();

        var results = await Task.WhenAll(tasks);

        foreach (var (k, result) in results)
        {
            Assert.Equal(SolveStatus.Optimal, result.Status);
            Assert.Equal(k, Math.Round(result.Values[0]));
            Assert.Equal(-k - 0.05, result.Objective, 6);
        }
    }
}
