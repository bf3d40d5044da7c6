using System.Collections.Concurrent;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Forecasting.Tests;

public sealed class RetrainLoopTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ExecuteAsync_NoModelAndTheRecorderNeverReadsThePast_TrainsAtStartAfterAnHourNotNever()
    {
        using var limit = new CancellationTokenSource(Eventually.Patience);
        var clock = new FakeTimeProvider(Now);
        var database = new DarkstarDatabase(_temp.File("darkstar.db"));
        await new SchemaMigrator(database, clock).MigrateAsync(limit.Token);
        using var store = new AuroraModelStore(new ModelRunRepository(database), _temp.File("aurora"));
        using var training = new AuroraTrainingService(
            new HistoryLoader(new SlotObservationRepository(database), new WeatherRepository(database)),
            store,
            new HomeSite(59.33, 18.07, TimeZoneInfo.Utc),
            new AuroraTrainingSettings(),
            clock,
            NullLogger<AuroraTrainingService>.Instance);
        var log = new LineLogger();
        var context = LoopContext.For(clock);
        using var loop = new RetrainLoop(training, new RecorderNeverFollowing(), new ForecastingOptions(), TimeZoneInfo.Utc, new ServiceTriggers(), context, log);

        await loop.StartAsync(limit.Token);
        // Home Assistant out of reach: the recorder never gets to follow the sensors, and the loop waits for it.
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        clock.Advance(RetrainLoop.HistoryPatience - TimeSpan.FromMinutes(1));
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        var early = log.Lines.ToList();
        clock.Advance(TimeSpan.FromMinutes(1));
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        await loop.StopAsync(limit.Token);

        Assert.DoesNotContain(early, l => l.StartsWith("Retraining", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("The recorder has not read the home's past", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Retraining (there is no model yet) skipped", StringComparison.Ordinal));
        Assert.Equal(1, context.Activity.RoundsDone);
    }

    private sealed class RecorderNeverFollowing : IHomeHistoryReader
    {
        public Task WaitUntilFollowingAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }

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
