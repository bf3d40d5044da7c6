namespace Darkstar.Forecasting.Models;

/// <summary>The loss functions Aurora trains and scores with.</summary>
public static class Metrics
{
    /// <summary>The pinball (quantile) loss of one error (actual − forecast) at quantile <paramref name="tau"/>.</summary>
    public static double Pinball(double error, double tau) => error >= 0 ? tau * error : (tau - 1) * error;

    /// <summary>
    /// The conformal rank of nonconformity scores at <paramref name="coverage"/>: the score a band moved by it holds
    /// that share of new outcomes (the ⌈coverage·(n+1)⌉-th smallest, the largest when there are few).
    /// </summary>
    public static double ConformalRank(IReadOnlyList<double> scores, double coverage)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            return 0;
        }

        var sorted = scores.Order().ToArray();
        var rank = Math.Min(sorted.Length - 1, (int)Math.Ceiling(coverage * (sorted.Length + 1)) - 1);
        return sorted[Math.Max(rank, 0)];
    }
}
