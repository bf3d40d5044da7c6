namespace Darkstar.Planning.Solver;

/// <summary>A decision variable of a <see cref="LinearModel"/>: its column index.</summary>
public readonly record struct Variable(int Index)
{
    public static LinearExpression operator *(double coefficient, Variable variable) => new LinearExpression().Add(variable, coefficient);

    public static LinearExpression operator *(Variable variable, double coefficient) => new LinearExpression().Add(variable, coefficient);

    public static LinearExpression operator +(Variable left, Variable right) => new LinearExpression().Add(left).Add(right);

    public static LinearExpression operator -(Variable left, Variable right) => new LinearExpression().Add(left).Add(right, -1);

    public static implicit operator LinearExpression(Variable variable) => new LinearExpression().Add(variable);

    public static LinearExpression Multiply(double coefficient, Variable variable) => coefficient * variable;

    public static LinearExpression Add(Variable left, Variable right) => left + right;

    public static LinearExpression Subtract(Variable left, Variable right) => left - right;

    public LinearExpression ToLinearExpression() => this;
}

/// <summary>
/// A sum of coefficient × variable terms plus a constant. Built by <see cref="Add(Variable, double)"/>, which
/// changes this expression and returns it (cheap for long sums), or by operators, which build a new one.
/// </summary>
public sealed class LinearExpression
{
    private readonly List<(int Column, double Coefficient)> _terms = [];

    public double Constant { get; private set; }

    internal IReadOnlyList<(int Column, double Coefficient)> Terms => _terms;

    public LinearExpression Add(Variable variable, double coefficient = 1)
    {
        if (coefficient != 0)
        {
            _terms.Add((variable.Index, coefficient));
        }

        return this;
    }

    public LinearExpression Add(LinearExpression other, double factor = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (column, coefficient) in other._terms)
        {
            if (coefficient * factor != 0)
            {
                _terms.Add((column, coefficient * factor));
            }
        }

        Constant += other.Constant * factor;
        return this;
    }

    public LinearExpression AddConstant(double value)
    {
        Constant += value;
        return this;
    }

    /// <summary>The value of this expression for the solution <paramref name="values"/> (indexed by column).</summary>
    public double Evaluate(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sum = Constant;
        foreach (var (column, coefficient) in _terms)
        {
            sum += coefficient * values[column];
        }

        return sum;
    }

    public static LinearExpression operator +(LinearExpression left, LinearExpression right) =>
        new LinearExpression().Add(left).Add(right);

    public static LinearExpression operator -(LinearExpression left, LinearExpression right) =>
        new LinearExpression().Add(left).Add(right, -1);

    public static LinearExpression operator +(LinearExpression left, double right) =>
        new LinearExpression().Add(left).AddConstant(right);

    public static LinearExpression operator -(LinearExpression left, double right) =>
        new LinearExpression().Add(left).AddConstant(-right);

    public static LinearExpression operator *(double factor, LinearExpression expression) =>
        new LinearExpression().Add(expression, factor);

    public static LinearExpression Add(LinearExpression left, LinearExpression right) => left + right;

    public static LinearExpression Subtract(LinearExpression left, LinearExpression right) => left - right;

    public static LinearExpression Multiply(double factor, LinearExpression expression) => factor * expression;
}

/// <summary>A linear row: <c>Lower ≤ Σ coefficient·x ≤ Upper</c> (either bound may be infinite).</summary>
internal sealed record LinearRow(int[] Columns, double[] Coefficients, double Lower, double Upper, string Name);

/// <summary>
/// A mixed-integer linear program written the way the maths reads: variables with bounds and integrality,
/// linear constraints, and an objective to minimise. <see cref="CbcSolver"/> solves it.
/// </summary>
public sealed class LinearModel
{
    private readonly List<double> _lower = [];
    private readonly List<double> _upper = [];
    private readonly List<double> _cost = [];
    private readonly List<bool> _integer = [];
    private readonly List<string> _names = [];
    private readonly List<LinearRow> _rows = [];

    public int VariableCount => _lower.Count;

    public int ConstraintCount => _rows.Count;

    public int IntegerCount { get; private set; }

    /// <summary>The constant part of the objective (it does not change the optimum, only the reported value).</summary>
    public double ObjectiveConstant { get; private set; }

    internal IReadOnlyList<double> Lower => _lower;

    internal IReadOnlyList<double> Upper => _upper;

    internal IReadOnlyList<double> Cost => _cost;

    internal IReadOnlyList<bool> IsInteger => _integer;

    internal IReadOnlyList<LinearRow> Rows => _rows;

    public string NameOf(Variable variable) => _names[variable.Index];

    /// <summary>A continuous variable in [<paramref name="lower"/>, <paramref name="upper"/>] (infinities allowed).</summary>
    public Variable Continuous(string name, double lower = 0, double upper = double.PositiveInfinity) =>
        AddVariable(name, lower, upper, integer: false);

    /// <summary>A 0/1 variable.</summary>
    public Variable Binary(string name) => AddVariable(name, 0, 1, integer: true);

    /// <summary>An integer variable in [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    public Variable WholeNumber(string name, double lower, double upper) => AddVariable(name, lower, upper, integer: true);

    /// <summary>Fixes <paramref name="variable"/>'s bounds to [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    public void SetBounds(Variable variable, double lower, double upper)
    {
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower > upper)
        {
            throw new ArgumentOutOfRangeException(nameof(lower), $"{_names[variable.Index]}: bounds [{lower}, {upper}] are empty.");
        }

        _lower[variable.Index] = lower;
        _upper[variable.Index] = upper;
    }

    /// <summary>Adds <paramref name="expression"/> to the objective to minimise.</summary>
    public void Minimize(LinearExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        foreach (var (column, coefficient) in expression.Terms)
        {
            _cost[column] += coefficient;
        }

        ObjectiveConstant += expression.Constant;
    }

    /// <summary>Adds <paramref name="cost"/>·<paramref name="variable"/> to the objective to minimise.</summary>
    public void Minimize(Variable variable, double cost) => _cost[variable.Index] += cost;

    /// <summary><paramref name="lower"/> ≤ <paramref name="expression"/> ≤ <paramref name="upper"/>.</summary>
    public void Between(string name, LinearExpression expression, double lower, double upper)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (double.IsNaN(lower) || double.IsNaN(upper))
        {
            throw new ArgumentOutOfRangeException(nameof(lower), $"Constraint {name} has a NaN bound.");
        }

        // Merge repeated columns: the solver wants each column once per row.
        var merged = new Dictionary<int, double>(expression.Terms.Count);
        foreach (var (column, coefficient) in expression.Terms)
        {
            merged[column] = merged.GetValueOrDefault(column) + coefficient;
        }

        var columns = new List<int>(merged.Count);
        var coefficients = new List<double>(merged.Count);
        foreach (var (column, coefficient) in merged)
        {
            if (coefficient != 0)
            {
                columns.Add(column);
                coefficients.Add(coefficient);
            }
        }

        _rows.Add(new LinearRow([.. columns], [.. coefficients], lower - expression.Constant, upper - expression.Constant, name));
    }

    /// <summary><paramref name="expression"/> = <paramref name="value"/>.</summary>
    public void Equal(string name, LinearExpression expression, double value) => Between(name, expression, value, value);

    /// <summary><paramref name="expression"/> ≤ <paramref name="value"/>.</summary>
    public void AtMost(string name, LinearExpression expression, double value) =>
        Between(name, expression, double.NegativeInfinity, value);

    /// <summary><paramref name="expression"/> ≥ <paramref name="value"/>.</summary>
    public void AtLeast(string name, LinearExpression expression, double value) =>
        Between(name, expression, value, double.PositiveInfinity);

    private Variable AddVariable(string name, double lower, double upper, bool integer)
    {
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower > upper)
        {
            throw new ArgumentOutOfRangeException(nameof(lower), $"{name}: bounds [{lower}, {upper}] are empty.");
        }

        _lower.Add(lower);
        _upper.Add(upper);
        _cost.Add(0);
        _integer.Add(integer);
        _names.Add(name);
        if (integer)
        {
            IntegerCount++;
        }

        return new Variable(_lower.Count - 1);
    }
}
