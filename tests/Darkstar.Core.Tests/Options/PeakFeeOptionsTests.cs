using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Options;

public sealed class PeakFeeOptionsTests
{
    [Fact]
    public void Load_FeeWithoutHours_NamesTheHoursToSet()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            peak_fee:
              fee_per_kw: 50
            """));

        Assert.False(result.IsValid);
        Assert.Equal(["peak_fee.from_time", "peak_fee.to_time"], result.Errors.Select(e => e.Option));
        Assert.All(result.Errors, e => Assert.StartsWith("missing: required with peak_fee.fee_per_kw set", e.Problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_HoursOffTheQuarterHour_NamesTheOption()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            peak_fee:
              fee_per_kw: 50
              from_time: "07:10"
              to_time: "20:00"
            """)));

        Assert.Equal("peak_fee.from_time", error.Option);
        Assert.Contains("quarter hour", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MeanOfTopHoursOnADay_SaysWhichMeasureToUse()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            peak_fee:
              fee_per_kw: 2
              period: day
              from_time: "00:00"
              to_time: "00:00"
            """)));

        Assert.Equal("peak_fee.measure", error.Option);
        Assert.Contains("highest_hour", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SwedishFee_IsValid()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            peak_fee:
              fee_per_kw: 81.25
              measure: mean_of_top_hours
              top_hours: 3
              from_time: "07:00"
              to_time: "20:00"
              weekdays_only: true
            """));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(new TimeOnly(7, 0), result.Options!.PeakFee.FromTime);
    }

    [Fact]
    public void Load_NoFee_NeedsNoHours()
    {
        Assert.True(OptionsSamples.LoadYaml(OptionsSamples.Minimal()).IsValid);
    }
}
