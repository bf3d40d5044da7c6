using System.Text.Json;
using System.Text.Json.Serialization;

namespace Darkstar.Cli;

/// <summary>
/// The one JSON object a command prints as the last line of stdout with <c>--json</c>, so scripts
/// and benchmarks can read figures with <c>tail -n 1</c>.
/// </summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public static void Write<T>(TextWriter output, T report)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(report, Options));
    }
}
