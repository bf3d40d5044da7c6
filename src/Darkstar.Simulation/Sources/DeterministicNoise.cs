namespace Darkstar.Simulation.Sources;

/// <summary>
/// Random numbers that depend only on a seed and a position, so any instant of the synthetic home can
/// be computed on its own (the weather API, the physics and a test all see the same values).
/// </summary>
public static class DeterministicNoise
{
    /// <summary>A uniform value in [0, 1) for (seed, stream, index).</summary>
    public static double Uniform(int seed, int stream, long index)
    {
        var x = unchecked((ulong)index * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)seed << 32) ^ (ulong)(uint)stream * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>A value in [-1, 1) for (seed, stream, index).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Signed as in either sign, not the type.")]
    public static double Signed(int seed, int stream, long index) => (Uniform(seed, stream, index) * 2) - 1;

    /// <summary>Smooth noise in [-1, 1]: signed values at whole positions, cosine-interpolated between.</summary>
    public static double Smooth(int seed, int stream, double position)
    {
        var floor = Math.Floor(position);
        var index = (long)floor;
        var fraction = position - floor;
        var weight = (1 - Math.Cos(fraction * Math.PI)) / 2;
        return (Signed(seed, stream, index) * (1 - weight)) + (Signed(seed, stream, index + 1) * weight);
    }
}
