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

    [Theory]
    [InlineData("06:30", "06:30")]
    [InlineData("17:45:00", "17:45")]
    public void Parse_CarDeparture_ATimeOfDayThatAmendsTheCarsOption(string payload, string state)
    {
        var command = Assert.IsType<DarkstarCommand.SetTime>(Parser.Parse(ControlCatalogue.CarDeparture, payload, Current).Command);
        var values = Current.With(command);

        Assert.Equal(state, values.StateText(ControlCatalogue.CarDeparture));
        Assert.Equal(TimeOnly.Parse(state, System.Globalization.CultureInfo.InvariantCulture), values.ApplyTo(new DarkstarOptions()).Car.DepartureTime);
        Assert.True(DarkstarControlValues.AmendsPlan(ControlCatalogue.CarDeparture));
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("7")]
    [InlineData("soon")]
    public void Parse_CarDepartureNotATime_Refused(string payload) =>
        Assert.Equal($"'{payload}' is not a time of day (HH:MM)", Parser.Parse(ControlCatalogue.CarDeparture, payload, Current).Error);

    [Fact]
    public void Parse_CarTarget_APercentThatAmendsTheCarsOption()
    {
        var values = Current.With(Parser.Parse(ControlCatalogue.CarTargetSoc, "90", Current).Command!);

        Assert.Equal(90, values.ApplyTo(new DarkstarOptions()).Car.TargetSocPercent);
        Assert.Equal("0 is outside 1..100", Parser.Parse(ControlCatalogue.CarTargetSoc, "0", Current).Error);
    }
}
