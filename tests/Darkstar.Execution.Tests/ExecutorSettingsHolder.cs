namespace Darkstar.Execution.Tests;

/// <summary>Run-time settings a test sets directly (the service reads them from its controls' store).</summary>
public sealed class ExecutorSettingsHolder(ExecutorRuntimeSettings initial) : IExecutorSettingsSource
{
    private readonly Lock _gate = new();
    private ExecutorRuntimeSettings _current = initial ?? throw new ArgumentNullException(nameof(initial));

    public ExecutorRuntimeSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Update(Func<ExecutorRuntimeSettings, ExecutorRuntimeSettings> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            _current = change(_current);
        }
    }
}
