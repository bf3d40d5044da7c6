using Darkstar.Core.Controls;
using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Controls;

public sealed class CommandParserTests
{
    private static readonly CommandParser Parser = new(ControlCatalogue.All());

    private static readonly DarkstarControlValues Current = DarkstarControlValues.FromOptions(new DarkstarOptions()) with { MinSocPercent = 10, MaxSocPercent = 90 };

    [Theory]
    [InlineData(ControlCatalogue.MinSoc, "90", "the minimum SoC must be below the maximum SoC (90 %)")]
    [InlineData(ControlCatalogue.MinSoc, "95", "the minimum SoC must be below the maximum SoC (90 %)")]
    [InlineData(ControlCatalogue.MaxSoc, "10", "the maximum SoC must be above the minimum SoC (10 %)")]
    public void Parse_MinimumNotBelowMaximum_RefusedAsTheOptionsRefuseIt(string control, string payload, string message)
    {
        var result = Parser.Parse(control, payload, Current);

        Assert.Null(result.Command);
        Assert.Equal($"{payload} %: {message}", result.Error);
    }

    [Theory]
    [InlineData(ControlCatalogue.MinSoc, "89")]
    [InlineData(ControlCatalogue.MaxSoc, "11")]
    public void Parse_MinimumBelowMaximum_Accepted(string control, string payload) =>
        Assert.NotNull(Parser.Parse(control, payload, Current).Command);
}
