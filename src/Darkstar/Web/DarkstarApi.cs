using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Darkstar.Cli;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Service;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Darkstar.Web;

/// <summary>
/// The web UI's JSON API under <c>api/</c>. Every read goes to the same repositories and stores the MQTT publishing reads;
/// controls change only through the <see cref="ControlStore"/> (buttons through <see cref="ServiceTriggers"/>), so the web UI
/// and the MQTT entities always agree. Instants are ISO 8601 UTC; a range is <c>from</c> and <c>to</c>, defaulting to the
/// overview's window (today's local midnight and 48 hours on).
/// </summary>
public static class DarkstarApi
{
    /// <summary>The longest range one request may read: a month of slots.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    public static readonly JsonSerializerOptions Json = CreateJson();

    public static IEndpointRouteBuilder MapDarkstarApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api");
        // The API's own description, for tinkerers and tools: every path, its parameters and methods.
        app.MapOpenApi("/api/openapi.json");
        api.MapGet("/status", (HttpContext http) => Ok(StatusOf(http.RequestServices)));
        api.MapGet("/overview", async (HttpContext http, CancellationToken ct) => await Read(http, (reader, range) => reader.OverviewAsync(range, StatusOf(http.RequestServices), ct)))
            .WithDescription("The overview's window in one answer: status, plan (its slots as api/plan gives them), forecasts, prices, kpi, "
                + "car (with a car: state, reason, plugged_in, soc_percent, target_soc_percent, departure, target_reachable, planned_kwh, ready_at, charging_now, charging_kw), controls, currency.");
        api.MapGet("/plan", async (HttpContext http, CancellationToken ct) => Ok(await ReaderOf(http).PlanAsync(ct)))
            .WithDescription("The latest plan and its slots: per slot charge_kwh, discharge_kwh, import_kwh, export_kwh, water_on, car_kwh (the car's planned charging, grid side), "
                + "soc_end_percent, prices, cost, action and manual_block.");
        api.MapGet("/forecasts", async (HttpContext http, CancellationToken ct) =>
            await Read(http, (reader, range) => reader.ForecastsAsync(http.Request.Query["version"].FirstOrDefault(), range, ct)));
        api.MapGet("/prices", async (HttpContext http, CancellationToken ct) =>
            await Read(http, async (reader, range) => (object)await new PriceRepository(reader.Database).ReadRangeAsync(range, ct)));
        api.MapGet("/observations", async (HttpContext http, CancellationToken ct) =>
            await Read(http, async (reader, range) => (object)await new SlotObservationRepository(reader.Database).ReadRangeAsync(range, ct)));
        api.MapGet("/costs", async (HttpContext http, CancellationToken ct) =>
            await ReadDays(http, 30, (reader, days) => reader.CostsAsync(days, ct)));
        api.MapGet("/forecast-evaluation", async (HttpContext http, CancellationToken ct) =>
            await ReadDays(http, 7, (reader, days) => reader.EvaluationAsync(days, ct)));
        api.MapGet("/data-quality", async (HttpContext http, CancellationToken ct) =>
            await ReadDays(http, 30, async (reader, days) => (object)await new DataQualityRepository(reader.Database).ReadRangeAsync(days.First, days.Last, ct)));
        api.MapGet("/execution", async (HttpContext http, CancellationToken ct) =>
            await Read(http, (reader, range) => reader.ExecutionAsync(range, http.Request.Query["filter"].FirstOrDefault(), ct)));
        api.MapGet("/safe-mode", async (HttpContext http, CancellationToken ct) =>
            await Read(http, async (reader, range) => (object)await reader.SafeModeEpisodesAsync(range, ct)));
        api.MapGet("/model-runs", async (HttpContext http, CancellationToken ct) => Ok(await new ModelRunRepository(ReaderOf(http).Database).ReadAllAsync(ct)));
        api.MapGet("/controls", (HttpContext http) => Ok(ControlsOf(http.RequestServices.GetRequiredService<ControlStore>())));
        api.MapPost("/controls/{id}", SetControlAsync);
        api.MapGet("/blocks", async (HttpContext http, CancellationToken ct) => Ok(new { Blocks = await BlocksOf(http).ActiveAsync(ct) }));
        api.MapPost("/blocks", AddBlockAsync);
        api.MapDelete("/blocks/{id}", DeleteBlockAsync);
        api.MapDelete("/blocks", async (HttpContext http, CancellationToken ct) => Ok(new { Deleted = await BlocksOf(http).ClearAsync(ct) }));
        api.MapGet("/settings", async (HttpContext http, CancellationToken ct) => Ok(await ReaderOf(http).SettingsAsync(ct)));
        api.MapGet("/diagnostics", DiagnosticsAsync);
        api.MapGet("/events", EventsAsync);
        api.MapLabApi();
        return app;
    }

    /// <summary>A control as <c>GET api/controls</c> lists it: its kind, value (none for a button) and the values it takes.</summary>
    public sealed record ControlView(string Id, ControlKind Kind, string? Value, IReadOnlyList<string>? Options, double? Min, double? Max, double? Step);

    /// <summary>The body of <c>POST api/controls/{id}</c>: the control's state text (<c>ON</c>, <c>hold</c>, <c>25</c>; <c>PRESS</c> for a button).</summary>
    public sealed record ControlChange(string? Value);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonReport.Options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }

    private static IResult Ok(object? value) => Results.Json(value, Json);

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, Json, statusCode: StatusCodes.Status400BadRequest);

    private static WebReader ReaderOf(HttpContext http) => http.RequestServices.GetRequiredService<WebReader>();

    private static async Task<IResult> Read(HttpContext http, Func<WebReader, SlotRange, Task<object>> read)
    {
        var reader = ReaderOf(http);
        var range = ParseRange(http.Request.Query, reader.DefaultWindow(), out var error);
        if (error is not null)
        {
            return BadRequest(error);
        }

        try
        {
            return Ok(await read(reader, range));
        }
        catch (BadApiRequestException e)
        {
            return BadRequest(e.Message);
        }
    }

    private static async Task<IResult> ReadDays(HttpContext http, int defaultDays, Func<WebReader, (DateOnly First, DateOnly Last), Task<object>> read)
    {
        var text = http.Request.Query["days"].FirstOrDefault();
        var days = defaultDays;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 366))
        {
            return BadRequest($"days must be a whole number from 1 to 366, not '{text}'");
        }

        var reader = ReaderOf(http);
        var today = reader.Today();
        return Ok(await read(reader, (today.AddDays(-days), today.AddDays(-1))));
    }

    /// <summary><c>from</c> and <c>to</c> as ISO 8601 instants, widened to whole slots; the default window when absent.</summary>
    internal static SlotRange ParseRange(IQueryCollection query, SlotRange fallback, out string? error)
    {
        error = null;
        var from = fallback.Start;
        var to = fallback.End;
        foreach (var (name, set) in new (string, Action<DateTimeOffset>)[] { ("from", v => from = v), ("to", v => to = v) })
        {
            if (query[name].FirstOrDefault() is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
                {
                    error = $"{name} must be an ISO 8601 instant such as 2026-06-10T00:00:00Z, not '{text}'";
                    return fallback;
                }

                set(value);
            }
        }

        if (to <= from)
        {
            error = $"to ({InstantText.Format(to)}) must be after from ({InstantText.Format(from)})";
            return fallback;
        }

        if (to - from > MaxRange)
        {
            error = $"a range may span at most {MaxRange.TotalDays:0} days";
            return fallback;
        }

        return SlotRange.Between(SlotGrid.Floor(from), SlotGrid.Ceiling(to));
    }

    internal static object StatusOf(IServiceProvider services)
    {
        var board = services.GetRequiredService<StatusBoard>();
        var (status, reason) = board.Current();
        var executor = board.Executor;
        return new
        {
            Status = DarkstarStatusText.Of(status),
            Reason = reason,
            Now = services.GetRequiredService<TimeProvider>().GetUtcNow(),
            Executor = executor is null ? null : new
            {
                executor.Mode,
                executor.At,
                executor.PlannedAction,
                executor.CommandedAction,
                executor.Override,
                executor.Shadow,
                executor.PlanId,
            },
            board.CommandsSent,
            board.CommandsFailed,
            Loops = services.GetRequiredService<ServiceHealth>().Loops,
        };
    }

    private static List<ControlView> ControlsOf(ControlStore store)
    {
        var current = store.Current;
        return [.. store.Definitions.Select(d => new ControlView(d.Id, d.Kind, d.Kind == ControlKind.Button ? null : current.StateText(d.Id), d.Options, d.Min, d.Max, d.Step))];
    }

    private static async Task<IResult> SetControlAsync(string id, HttpContext http, CancellationToken cancellationToken)
    {
        var store = http.RequestServices.GetRequiredService<ControlStore>();
        ControlChange? change;
        try
        {
            change = await http.Request.ReadFromJsonAsync<ControlChange>(Json, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return BadRequest($"the body must be JSON like {{\"value\": \"ON\"}}: {e.Message}");
        }

        if (change?.Value is not { } value)
        {
            return BadRequest("the body must be JSON like {\"value\": \"ON\"}: value is missing");
        }

        if (store.Definitions.All(d => d.Id != id))
        {
            return BadRequest($"'{id}' is not a control; the controls are {string.Join(", ", store.Definitions.Select(d => d.Id))}");
        }

        // The same path as an MQTT command: a button presses its trigger, a value goes through the store.
        if (store.Parse(id, value).Command is DarkstarCommand.Press press)
        {
            http.RequestServices.GetRequiredService<ServiceTriggers>().Press(press.Button);
            return Ok(new { Id = id, Pressed = true });
        }

        var result = await store.SetAsync(id, value, cancellationToken);
        return result.Command is null
            ? BadRequest(result.Error ?? $"'{value}' is not a value of {id}")
            : Ok(new { Id = id, Value = store.Current.StateText(id) });
    }

    private static ManualBlockStore BlocksOf(HttpContext http) => http.RequestServices.GetRequiredService<ManualBlockStore>();

    /// <summary>
    /// <c>POST api/blocks</c>: a manual block as <see cref="ManualBlockRequest"/> (action, start, end or hours, target SoC, power,
    /// energy); 201 with the stored block, or 400 saying what is wrong. The store triggers the re-plan.
    /// </summary>
    private static async Task<IResult> AddBlockAsync(HttpContext http, CancellationToken cancellationToken)
    {
        const string Example = "{\"action\": \"charge\", \"start\": \"2026-06-10T12:00:00Z\", \"hours\": 2}";
        ManualBlockRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<ManualBlockRequest>(Json, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return BadRequest($"the body must be JSON like {Example}: {e.Message}");
        }

        if (request is null)
        {
            return BadRequest($"the body must be JSON like {Example}");
        }

        var result = await BlocksOf(http).AddAsync(request, cancellationToken);
        return result.Block is { } block
            ? Results.Json(block, Json, statusCode: StatusCodes.Status201Created)
            : BadRequest(result.Error ?? "the block was refused");
    }

    private static async Task<IResult> DeleteBlockAsync(string id, HttpContext http, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var blockId))
        {
            return BadRequest($"'{id}' is not a block id: a whole number from GET api/blocks");
        }

        return await BlocksOf(http).DeleteAsync(blockId, cancellationToken)
            ? Ok(new { Id = blockId, Deleted = true })
            : Results.Json(new { error = $"there is no block {blockId} (it may have ended)" }, Json, statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task EventsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var events = http.RequestServices.GetRequiredService<WebEvents>();
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        // Home Assistant's ingress proxy and others buffer a response unless told not to.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var (reader, lease) = events.Subscribe();
        using (lease)
        {
            await http.Response.WriteAsync(": connected\n\n", cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
            try
            {
                await foreach (var message in reader.ReadAllAsync(cancellationToken))
                {
                    await http.Response.WriteAsync($"event: {message.Name}\ndata: {message.Json}\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The page closed its stream.
            }
        }
    }

    /// <summary>A zip for a bug report: the versions, the options with secrets masked, the latest plans, the status and the recent log.</summary>
    private static async Task DiagnosticsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var reader = ReaderOf(http);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            await AddAsync(zip, "version.txt", string.Join('\n', VersionCommand.Components().Select(c => $"{c.Name}: {c.Version}")) + "\n", cancellationToken);
            await AddAsync(zip, "options.json", OptionsPrinter.ToJson(services.GetRequiredService<DarkstarOptions>()), cancellationToken);
            await AddAsync(zip, "status.json", JsonSerializer.Serialize(StatusOf(services), Json), cancellationToken);
            await AddAsync(zip, "settings.json", JsonSerializer.Serialize(await reader.SettingsAsync(cancellationToken), Json), cancellationToken);
            await AddAsync(zip, "plans.json", JsonSerializer.Serialize(await reader.RecentPlansAsync(5, cancellationToken), Json), cancellationToken);
            await AddAsync(zip, "log.txt", string.Join('\n', services.GetRequiredService<RecentLog>().Lines()) + "\n", cancellationToken);
        }

        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"darkstar-diagnostics-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.zip\"";
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, cancellationToken);
    }

    private static async Task AddAsync(ZipArchive zip, string name, string text, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = await entry.OpenAsync(cancellationToken);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    internal static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(DarkstarDatabase database, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var table in Schema.TableNames)
        {
            await using var command = connection.CreateCommand();
            // Table names come from the schema's own list, never from a request.
#pragma warning disable CA2100
            command.CommandText = $"SELECT COUNT(*) FROM {table};";
#pragma warning restore CA2100
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        return counts;
    }

    internal static long DatabaseBytes(DarkstarDatabase database) =>
        new[] { database.Path, database.Path + "-wal", database.Path + "-shm" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
}
