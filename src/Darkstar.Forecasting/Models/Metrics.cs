namespace Darkstar.Forecasting.Models;

/// <summary>The loss functions Aurora trains and scores with.</summary>
public static class Metrics
{
    /// <summary>The pinball (quantile) loss of one error (actual − forecast) at quantile <paramref name="tau"/>.</summary>
    public static double Pinball(double error, double tau) => error >= 0 ? tau * error : (tau - 1) * error;
}
