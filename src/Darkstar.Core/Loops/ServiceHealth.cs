using System.Collections.Concurrent;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Core.Loops;

/// <summary>One loop's record: when it last succeeded, and what went wrong on its latest run if it did.</summary>
public sealed record LoopState(string Name, DateTimeOffset? LastSuccess, DateTimeOffset? LastRun, string? Problem, int Failures);

/// <summary>
/// What every loop reports after each run, read by <c>/health</c> and the MQTT status entity. A loop that failed
/// on its latest run makes the service degraded until its next success; the failures are counted for the run summary.
/// </summary>
public sealed class ServiceHealth(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, LoopState> _loops = new(StringComparer.Ordinal);
    private int _failures;

    /// <summary>Runs of any loop that ended in an error since start.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public void Register(string loop) => _loops.TryAdd(loop, new LoopState(loop, null, null, null, 0));

    public void Succeeded(string loop)
    {
        var now = clock.GetUtcNow();
        _loops.AddOrUpdate(loop, _ => new LoopState(loop, now, now, null, 0), (_, old) => old with { LastSuccess = now, LastRun = now, Problem = null });
    }

    /// <summary>A run that did not do its job; <paramref name="counts"/> false for a condition that is expected to pass (no prices yet).</summary>
    public void Failed(string loop, string problem, bool counts = true)
    {
        var now = clock.GetUtcNow();
        if (counts)
        {
            Interlocked.Increment(ref _failures);
        }

        _loops.AddOrUpdate(
            loop,
            _ => new LoopState(loop, null, now, problem, counts ? 1 : 0),
            (_, old) => old with { LastRun = now, Problem = problem, Failures = old.Failures + (counts ? 1 : 0) });
    }

    public IReadOnlyList<LoopState> Loops => [.. _loops.Values.OrderBy(l => l.Name, StringComparer.Ordinal)];

    /// <summary>The loops whose latest run did not do its job, with what went wrong.</summary>
    public IReadOnlyList<LoopState> Problems() => [.. Loops.Where(l => l.Problem is not null)];

    /// <summary>The <c>/health</c> document: overall status, its reason, the process's memory, and every loop.</summary>
    public object Document(DarkstarStatus status, string? reason) => new
    {
        status = DarkstarStatusText.Of(status),
        reason,
        now = InstantText.Format(clock.GetUtcNow()),
        memory = Memory(),
        loops = Loops.ToDictionary(
            l => l.Name,
            l => new
            {
                last_success = l.LastSuccess is { } at ? InstantText.Format(at) : null,
                last_run = l.LastRun is { } run ? InstantText.Format(run) : null,
                problem = l.Problem,
                failures = l.Failures,
            }),
    };

    /// <summary>Resident memory and the managed heap, in MB: the budget is on the first, leaks show in the second.</summary>
    private static object Memory()
    {
        var gc = GC.GetGCMemoryInfo();
        return new
        {
            rss_mb = Math.Round(Environment.WorkingSet / 1048576.0, 1),
            managed_heap_mb = Math.Round(gc.HeapSizeBytes / 1048576.0, 1),
            gc_committed_mb = Math.Round(gc.TotalCommittedBytes / 1048576.0, 1),
        };
    }
}
