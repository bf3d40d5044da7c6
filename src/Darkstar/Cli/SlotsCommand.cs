using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Time;
using Spectre.Console;

namespace Darkstar.Cli;

/// <summary>
/// Prints the 15-minute slots of one local day: a quick way to see how Darkstar cuts a DST day
/// (92 or 100 slots) in the home's time zone.
/// </summary>
public static class SlotsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var day = new Option<string?>("--day") { Description = "Local day, yyyy-MM-dd (default: today in the home's time zone)." };
        var zone = new Option<string?>("--time-zone") { Description = "IANA time zone (default: the options' location.time_zone)." };
        var command = new Command("slots", "Print the slot grid of a local day.") { day, zone };
        command.SetAction(parse =>
        {
            var options = OptionsResolver.Resolve(parse, global, context);
            if (options is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (OptionsResolver.ResolveTimeZone(options.Options, context, commandLine: parse.GetValue(zone)) is not { } timeZone)
            {
                return ExitCodes.InvalidInput;
            }

            DateOnly localDay;
            var dayText = parse.GetValue(day);
            if (dayText is null)
            {
                localDay = SlotGrid.LocalDateOf(context.Clock.GetUtcNow(), timeZone);
            }
            else if (!DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out localDay))
            {
                context.Error.WriteLine($"--day: '{dayText}' is not a date of the form yyyy-MM-dd.");
                return ExitCodes.InvalidInput;
            }

            var range = SlotGrid.LocalDay(localDay, timeZone);
            Render(context.Output, localDay, timeZone, range);
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new
                {
                    day = localDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    time_zone = timeZone.Id,
                    slots = range.Count,
                    first_slot_index = range.FirstIndex,
                    start = InstantText.Format(range.Start),
                    end = InstantText.Format(range.End),
                });
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Render(TextWriter output, DateOnly day, TimeZoneInfo zone, SlotRange range)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Slot grid of {day:yyyy-MM-dd} in {zone.Id}: {range.Count} slots of {SlotGrid.MinutesPerSlot} minutes, {InstantText.Format(range.Start)} to {InstantText.Format(range.End)}"));

        // One row per local hour; a repeated hour (autumn DST) shows twice with its own UTC offset.
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("local hour").AddColumn("UTC offset").AddColumn("slot indexes").AddColumn("UTC start");
        foreach (var hour in range.Chunk(SlotGrid.SlotsPerHour))
        {
            var local = TimeZoneInfo.ConvertTime(hour[0], zone);
            var firstIndex = SlotGrid.IndexOf(hour[0]);
            table.AddRow(
                local.ToString("HH:mm", CultureInfo.InvariantCulture),
                local.ToString("zzz", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{range.PositionOf(hour[0])}–{range.PositionOf(hour[^1])} (#{firstIndex})"),
                InstantText.Format(hour[0]));
        }

        ConsoleRendering.For(output).Write(table);
    }
}
