using Microsoft.Extensions.Logging;

namespace Darkstar.Web;

/// <summary>The service's latest log lines (warnings and above, and the information lines), kept in memory for the diagnostics download.</summary>
public sealed class RecentLog(TimeProvider clock) : ILoggerProvider
{
    public const int Capacity = 500;

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();

    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    private sealed class Logger(RecentLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && !category.StartsWith("Microsoft", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var at = owner.Now();
            var line = $"{at:yyyy-MM-dd'T'HH:mm:ss'Z'} {logLevel} {category}: {formatter(state, exception)}";
            owner.Add(exception is null ? line : $"{line}\n{exception}");
        }
    }

    private DateTimeOffset Now() => clock.GetUtcNow();
}
