using System.Globalization;
using System.Text;
using System.Text.Json;
using Darkstar.Core.Time;

namespace Darkstar.Mqtt;

/// <summary>Values on a regular grid (15-minute slots) from <see cref="Start"/>; a null value is a gap.</summary>
public sealed record SlotSeries(DateTimeOffset Start, TimeSpan Step, IReadOnlyList<double?> Values)
{
    /// <summary>The most slots one attributes payload carries: 50 hours of 15-minute slots, a 48-hour horizon over a DST change.</summary>
    public const int MaxSlots = 200;

    public static SlotSeries QuarterHours(DateTimeOffset start, IReadOnlyList<double?> values) => new(start, TimeSpan.FromMinutes(15), values);
}

/// <summary>
/// Writes series as compact JSON attribute payloads (<c>{"start":..,"step_minutes":15,"unit":..,"values":[..]}</c>), well
/// under Home Assistant's 16 KiB attribute limit: one start and step instead of a timestamp per value, values rounded.
/// </summary>
public static class SeriesAttributes
{
    /// <summary>Home Assistant drops attribute payloads from 16 KiB up.</summary>
    public const int MaxPayloadBytes = 16 * 1024;

    public static void WriteSeries(Utf8JsonWriter writer, SlotSeries series, int decimals)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Values.Count > SlotSeries.MaxSlots)
        {
            throw new ArgumentException($"A series of {series.Values.Count} slots is longer than the {SlotSeries.MaxSlots} an attributes payload carries.", nameof(series));
        }

        writer.WriteString("start", InstantText.Format(series.Start));
        writer.WriteNumber("step_minutes", (int)series.Step.TotalMinutes);
        WriteValues(writer, "values", series.Values, decimals);
    }

    public static void WriteValues(Utf8JsonWriter writer, string name, IReadOnlyList<double?> values, int decimals)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(values);
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            if (value is { } v && double.IsFinite(v))
            {
                writer.WriteNumberValue(Math.Round(v, decimals, MidpointRounding.AwayFromZero));
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Builds one attributes object and checks it fits Home Assistant's limit.</summary>
    public static string Build(Action<Utf8JsonWriter> writeProperties)
    {
        ArgumentNullException.ThrowIfNull(writeProperties);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        if (buffer.Length >= MaxPayloadBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"An attributes payload of {buffer.Length} bytes is over Home Assistant's {MaxPayloadBytes}-byte limit."));
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
