using Darkstar.HomeAssistant.Protocol;
using Darkstar.Testing;

namespace Darkstar.HomeAssistant.Tests;

public class PendingCommandsTests
{
    [Fact]
    public async Task Complete_SuccessResult_ReturnsResultToTheMatchingId()
    {
        var pending = new PendingCommands();
        var first = pending.Register(1, "get_config");
        var second = pending.Register(2, "get_states");

        Assert.True(pending.Complete(TestSupport.Parse("""{"id":2,"type":"result","success":true,"result":[1,2]}""")));

        Assert.Equal(2, (await second).GetArrayLength());
        Assert.False(first.IsCompleted);
        Assert.Equal(1, pending.Count);
    }

    [Fact]
    public async Task Complete_ErrorResult_ThrowsCommandExceptionWithCodeAndMessage()
    {
        var pending = new PendingCommands();
        var result = pending.Register(7, "call_service");

        pending.Complete(TestSupport.Parse("""{"id":7,"type":"result","success":false,"error":{"code":"not_found","message":"Service light.nope not found."}}"""));

        var error = await Assert.ThrowsAsync<HomeAssistantCommandException>(() => result);
        Assert.Equal("not_found", error.Code);
        Assert.Equal("Service light.nope not found.", error.ErrorMessage);
        Assert.Equal("call_service", error.CommandType);
        Assert.Contains("not_found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_Pong_CompletesThePing()
    {
        var pending = new PendingCommands();
        var ping = pending.Register(4, "ping");

        Assert.True(pending.Complete(TestSupport.Parse("""{"id":4,"type":"pong"}""")));

        await ping;
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void Complete_UnknownId_ReturnsFalse()
    {
        var pending = new PendingCommands();
        pending.Register(1, "ping");

        Assert.False(pending.Complete(TestSupport.Parse("""{"id":99,"type":"result","success":true}""")));
        Assert.Equal(1, pending.Count);
    }

    [Fact]
    public async Task WaitAsync_NoAnswerBeforeTimeout_ThrowsTimeoutAndRemovesTheEntry()
    {
        var clock = new FakeTimeProvider();
        var pending = new PendingCommands();
        var result = pending.Register(12, "recorder/statistics_during_period");

        var wait = pending.WaitAsync(12, result, TimeSpan.FromSeconds(30), clock, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<HomeAssistantTimeoutException>(() => wait);
        Assert.Contains("recorder/statistics_during_period", error.Message, StringComparison.Ordinal);
        Assert.False(pending.Contains(12));
        Assert.False(pending.Complete(TestSupport.Parse("""{"id":12,"type":"result","success":true,"result":{}}""")));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_RemovesTheEntry()
    {
        var pending = new PendingCommands();
        var result = pending.Register(3, "get_states");
        using var cancel = new CancellationTokenSource();

        var wait = pending.WaitAsync(3, result, TimeSpan.FromMinutes(1), new FakeTimeProvider(), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public async Task FailAll_ConnectionLost_FailsEveryWaitingCommand()
    {
        var pending = new PendingCommands();
        var a = pending.Register(1, "get_states");
        var b = pending.Register(2, "get_config");

        pending.FailAll(new HomeAssistantConnectionLostException("gone", DisconnectReason.NetworkError));

        await Assert.ThrowsAsync<HomeAssistantConnectionLostException>(() => a);
        await Assert.ThrowsAsync<HomeAssistantConnectionLostException>(() => b);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void Register_SameIdTwice_Throws()
    {
        var pending = new PendingCommands();
        pending.Register(1, "ping");

        Assert.Throws<InvalidOperationException>(() => { _ = pending.Register(1, "ping"); });
    }

    [Fact]
    public async Task CommandIdSource_ConcurrentCallers_GetDistinctIncreasingIds()
    {
        var ids = new CommandIdSource();

        var taken = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Enumerable.Range(0, 100).Select(_ => ids.Next()).ToList())));

        var all = taken.SelectMany(x => x).ToList();
        Assert.Equal(5000, all.Distinct().Count());
        Assert.Equal(5000, ids.Last);
        Assert.All(taken, list => Assert.True(list.SequenceEqual(list.Order())));
    }
}
