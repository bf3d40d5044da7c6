using System.Collections.Concurrent;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Service;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Tests.Service;

public sealed class RetrainLoopTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ExecuteAsync_NoModelAndTheRecorderNeverReadsThePast_TrainsAtStartAfterAnHourNotNever()
    {
        var cancellationToken = CancellationToken.None;
        var clock = new FakeTimeProvider(Now);
        var database = new DarkstarDatabase(_temp.File("darkstar.db"));
        await new SchemaMigrator(database, clock).MigrateAsync(cancellationToken);
        using var store = new AuroraModelStore(new ModelRunRepository(database), _temp.File("aurora"));
        using var training = new AuroraTrainingService(
            new HistoryLoader(new SlotObservationRepository(database), new WeatherRepository(database)),
            store,
            new HomeSite(59.33, 18.07, TimeZoneInfo.Utc),
            new AuroraTrainingSettings(),
            clock,
            NullLogger<AuroraTrainingService>.Instance);
        var log = new LineLogger();
        // Home Assistant out of reach: the recorder never gets to follow the sensors.
        var never = new TaskCompletionSource();
        using var loop = new RetrainLoop(
            training, _ => never.Task, new ForecastingOptions(), TimeZoneInfo.Utc, new ServiceTriggers(), new ServiceHealth(clock), clock, log);

        await loop.StartAsync(cancellationToken);
        // The loop's only way on is its timer on the fake clock, and the clock fires timers within Advance: while the
        // timer is still due, nothing has run, with no real time to wait out.
        var due = await Eventually.ReachesAsync(() => clock.NextTimerDue, d => d is not null, "the loop to wait for the recorder");
        Assert.Equal(Now + RetrainLoop.HistoryPatience, due);
        Assert.DoesNotContain(log.Lines, IsRetraining);

        clock.Advance(RetrainLoop.HistoryPatience - TimeSpan.FromMinutes(1));
        Assert.Equal(Now + RetrainLoop.HistoryPatience, clock.NextTimerDue);
        Assert.DoesNotContain(log.Lines, IsRetraining);

        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.ReachesAsync(
            () => log.Lines, lines => lines.Any(l => l.StartsWith("Retraining (there is no model yet) skipped", StringComparison.Ordinal)), "training at start");
        await loop.StopAsync(cancellationToken);

        Assert.Contains(log.Lines, l => l.StartsWith("The recorder has not read the home's past", StringComparison.Ordinal));
    }

    private static bool IsRetraining(string line) => line.StartsWith("Retraining", StringComparison.Ordinal);

    private sealed class LineLogger : ILogger<RetrainLoop>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));
    }
}
