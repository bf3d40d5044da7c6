using System.Collections;
using System.Globalization;
using Xunit;

namespace Darkstar.Testing;

/// <summary>
/// Waits for what other threads or processes do (a background loop, a socket, a broker): looks every few milliseconds
/// until a condition holds, and fails the test, naming what it awaited and the value it saw last, when it does not hold
/// within <see cref="Patience"/>. Not for showing that nothing happens: a test does that on a fake clock it advances.
/// </summary>
public static class Eventually
{
    /// <summary>
    /// How long a wait may take: generous, for a loaded two-core CI machine. A passing wait ends as soon as its
    /// condition holds, so only a failing test ever waits this long.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Real time between two looks.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns once <paramref name="condition"/> holds.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? within = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return ReachesAsync(condition, static held => held, what, within, cancellationToken);
    }

    /// <summary>As the other, for a condition that has to read (a database, say).</summary>
    public static Task HoldsAsync(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan? within = null, CancellationToken cancellationToken = default) =>
        ReachesAsync(condition, static held => held, what, within, cancellationToken);

    /// <summary>Returns the first value <paramref name="observe"/> gives that <paramref name="accept"/> takes; a failure shows the last one.</summary>
    public static Task<T> ReachesAsync<T>(Func<T> observe, Func<T, bool> accept, string what, TimeSpan? within = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observe);
        return ReachesAsync(_ => Task.FromResult(observe()), accept, what, within, cancellationToken);
    }

    /// <summary>As the other, for a value that has to be read.</summary>
    public static async Task<T> ReachesAsync<T>(
        Func<CancellationToken, Task<T>> observe, Func<T, bool> accept, string what, TimeSpan? within = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(accept);
        var limit = within ?? Patience;
        var started = TimeProvider.System.GetTimestamp();
        var looks = 0;
        T observed = default!;
        try
        {
            while (true)
            {
                observed = await observe(cancellationToken);
                looks++;
                if (accept(observed))
                {
                    return observed;
                }

                if (TimeProvider.System.GetElapsedTime(started) >= limit)
                {
                    Assert.Fail($"Not within {limit.TotalSeconds:0} s: {what}. Last seen ({looks} looks): {Describe(observed)}");
                }

                await Task.Delay(Interval, TimeProvider.System, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The test's own time limit ended first: say what it was waiting for rather than only that it was cancelled.
            Assert.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"Cancelled after {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0} s waiting for: {what}. Last seen ({looks} looks): {(looks == 0 ? "nothing" : Describe(observed))}"));
            throw;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Take(10).Select(Describe))}{(items.Cast<object?>().Skip(10).Any() ? ", ..." : "")}]",
        _ => string.Format(CultureInfo.InvariantCulture, "{0}", value),
    };
}
