using Darkstar.Cli;

namespace Darkstar.Tests.Cli;

public sealed class CommandTallyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Commands as "minute entity value"; the flaps they make.</summary>
    [Theory]
    [InlineData(2, "0 number.soc_target 29", "5 number.soc_target 41", "10 number.soc_target 29", "15 number.soc_target 41")]
    [InlineData(1, "0 number.soc_target 29", "5 number.soc_target 41", "20 number.soc_target 52", "30 number.soc_target 29")]
    [InlineData(0, "0 number.soc_target 29", "5 number.soc_target 41", "31 number.soc_target 29")]
    [InlineData(0, "0 number.soc_target 29", "5 number.soc_target 41", "6 number.max_charge_power 29", "7 number.max_charge_power 41")]
    public void Add_ValueCommandedBackWithinHalfAnHourAfterAChange_IsAFlap(int flaps, params string[] commands)
    {
        var tally = new CommandTally();

        foreach (var command in commands)
        {
            var parts = command.Split(' ');
            tally.Add(Start.AddMinutes(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)), parts[1], parts[2]);
        }

        Assert.Equal(commands.Length, tally.Count);
        Assert.Equal(flaps, tally.Flaps);
    }
}
