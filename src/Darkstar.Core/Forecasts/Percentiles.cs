namespace Darkstar.Core.Forecasts;

/// <summary>Percentiles by linear interpolation between the closest ranks.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="fraction"/> percentile (0 to 1) of <paramref name="sorted"/>, which must be sorted and not empty.</summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var position = fraction * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (position - below));
    }
}
