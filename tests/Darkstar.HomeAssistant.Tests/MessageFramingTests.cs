using System.Text;
using Darkstar.HomeAssistant.Protocol;

namespace Darkstar.HomeAssistant.Tests;

public class MessageFramingTests
{
    private static ReadOnlyMemory<byte> Frame(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void Split_SingleObject_ReturnsOneMessage()
    {
        var messages = MessageFraming.Split(Frame("""{"id":3,"type":"result","success":true,"result":null}"""));

        var message = Assert.Single(messages);
        Assert.Equal("result", MessageFraming.GetType(message));
        Assert.Equal(3, message.GetProperty("id").GetInt64());
    }

    [Fact]
    public void Split_CoalescedArray_ReturnsEveryMessageInOrder()
    {
        var messages = MessageFraming.Split(Frame("""
            [{"id":5,"type":"event","event":{"a":{}}},{"id":6,"type":"result","success":true,"result":[]},{"id":7,"type":"pong"}]
            """));

        Assert.Equal(["event", "result", "pong"], messages.Select(MessageFraming.GetType));
        Assert.Equal([5L, 6L, 7L], messages.Select(m => m.GetProperty("id").GetInt64()));
    }

    [Fact]
    public void Split_MessagesOutliveTheFrameBuffer_AreCopies()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"event","id":1,"event":{"x":1}}""");

        var message = Assert.Single(MessageFraming.Split(bytes));
        Array.Clear(bytes);

        Assert.Equal(1, message.GetProperty("event").GetProperty("x").GetInt32());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("42")]
    [InlineData("[1,2]")]
    public void Split_NotMessages_ThrowsProtocolException(string frame)
    {
        Assert.Throws<HomeAssistantProtocolException>(() => MessageFraming.Split(Frame(frame)));
    }

    [Fact]
    public void GetType_NoType_ThrowsProtocolException()
    {
        var message = Assert.Single(MessageFraming.Split(Frame("""{"id":1}""")));

        Assert.Throws<HomeAssistantProtocolException>(() => MessageFraming.GetType(message));
    }
}
