using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Testing;

namespace Darkstar.HomeAssistant.Tests;

public class ReconnectBackoffTests
{
    private static HomeAssistantConnectionSettings Settings(bool jitter) =>
        HomeAssistantConnectionSettings.ForStandalone(new Uri("http://ha:8123"), "t") with
        {
            ReconnectMinDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(8),
            ReconnectJitter = jitter,
        };

    /// <summary>Runs one "connect until connected" that fails <paramref name="failures"/> times; returns the delays between attempts.</summary>
    private static async Task<List<(int Attempt, TimeSpan Delay)>> ConnectAsync(Polly.ResiliencePipeline pipeline, FakeTimeProvider clock, List<(int, TimeSpan)> log, int failures)
    {
        log.Clear();
        var remaining = failures;
        var run = pipeline.ExecuteAsync(_ =>
        {
            if (remaining-- > 0)
            {
                throw new HomeAssistantConnectionLostException("refused", DisconnectReason.NetworkError);
            }

            return ValueTask.CompletedTask;
        }).AsTask().ContinueWith(t => t, TaskScheduler.Default);
        await clock.AdvanceUntilDoneAsync(run, TimeSpan.FromMilliseconds(250), "the connect attempts");
        await (await run);
        return [.. log];
    }

    [Fact]
    public async Task Create_WithoutJitter_DoublesUpToTheMaximumAndStartsOverAfterSuccess()
    {
        var clock = new FakeTimeProvider();
        var log = new List<(int, TimeSpan)>();
        var pipeline = ReconnectBackoff.Create(Settings(jitter: false), clock, args =>
        {
            log.Add((args.AttemptNumber, args.RetryDelay));
            return ValueTask.CompletedTask;
        });

        var first = await ConnectAsync(pipeline, clock, log, failures: 6);
        var second = await ConnectAsync(pipeline, clock, log, failures: 2);

        Assert.Equal([1, 2, 4, 8, 8, 8], first.Select(x => x.Delay.TotalSeconds));
        Assert.Equal([0, 1, 2, 3, 4, 5], first.Select(x => x.Attempt));
        Assert.Equal([1, 2], second.Select(x => x.Delay.TotalSeconds));
        Assert.Equal([0, 1], second.Select(x => x.Attempt));
    }

    [Fact]
    public async Task Create_WithJitter_StaysWithinTheMaximumAndStartsOverAfterSuccess()
    {
        var clock = new FakeTimeProvider();
        var log = new List<(int, TimeSpan)>();
        var pipeline = ReconnectBackoff.Create(Settings(jitter: true), clock, args =>
        {
            log.Add((args.AttemptNumber, args.RetryDelay));
            return ValueTask.CompletedTask;
        });

        var first = await ConnectAsync(pipeline, clock, log, failures: 8);
        var second = await ConnectAsync(pipeline, clock, log, failures: 1);

        Assert.All(first, x => Assert.InRange(x.Delay, TimeSpan.Zero, TimeSpan.FromSeconds(8)));
        Assert.Equal(Enumerable.Range(0, 8), first.Select(x => x.Attempt));
        Assert.Equal([0], second.Select(x => x.Attempt));
    }

    [Fact]
    public async Task Create_AuthenticationRefused_DoesNotRetry()
    {
        var attempts = 0;
        var pipeline = ReconnectBackoff.Create(Settings(jitter: false), new FakeTimeProvider(), null);

        await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(async () => await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new HomeAssistantAuthenticationException("refused");
        }));

        Assert.Equal(1, attempts);
    }
}
