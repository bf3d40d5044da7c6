using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Cli;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Lab;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Darkstar.Web;

/// <summary>
/// The Lab's part of the API (<c>api/lab/…</c>): start a replay or an export study on the service's own database, as the
/// command line runs them (<see cref="ReplayStudy"/>, <see cref="LabExportStudy"/>) with the options the planner plans
/// with now and the same what-ifs, one at a time in the background (<see cref="LabRunner"/>); list past runs with their
/// results; cancel the one running.
/// </summary>
public static class LabApi
{
    /// <summary>The most runs one list answers.</summary>
    public const int MaxListed = 100;

    /// <summary>The body of <c>POST api/lab/replay</c>.</summary>
    public sealed record ReplayBody(string? From, int? Days, string? Forecasts, IReadOnlyList<string>? Set, int? ReplanMinutes);

    /// <summary>The body of <c>POST api/lab/export</c>: <c>kwh</c> comma-separated, as the command line takes it.</summary>
    public sealed record ExportBody(string? Day, string? Kwh, bool? Relaxed, IReadOnlyList<string>? Set);

    /// <summary>A run as the API shows it: what was asked and what came out as JSON, and how far it is while it runs.</summary>
    public sealed record LabRunView(
        long Id, LabRunKind Kind, RunStatus Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, JsonNode? Request, JsonNode? Result, string? Error,
        double? Progress)
    {
        public static LabRunView Of(LabRun run, double? progress) => new(
            run.Id, run.Kind, run.Status, run.StartedAt, run.FinishedAt, JsonNode.Parse(run.RequestJson), run.ResultJson is null ? null : JsonNode.Parse(run.ResultJson),
            run.Error, run.Status == RunStatus.Running ? progress : null);
    }

    public static RouteGroupBuilder MapLabApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/lab", LabAsync);
        api.MapGet("/lab/runs", RunsAsync);
        api.MapGet("/lab/runs/{id:long}", RunAsync);
        api.MapPost("/lab/runs/{id:long}/cancel", Cancel);
        api.MapPost("/lab/replay", StartReplayAsync);
        api.MapPost("/lab/export", StartExportAsync);
        return api;
    }

    /// <summary>What the Lab's forms start from: the what-if keys with the values the planner plans with now, today and the run in progress.</summary>
    private static async Task<IResult> LabAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var options = Planned(services);
        var tree = OptionsPrinter.ToJsonObject(options);
        var values = new JsonObject();
        foreach (var key in WhatIf.Options)
        {
            var (section, name) = (key.Split('.')[0], key.Split('.')[1]);
            values[key] = tree[section]?[name]?.DeepClone();
        }

        var reader = services.GetRequiredService<WebReader>();
        var earliest = await new SlotObservationRepository(reader.Database).ReadEarliestSlotStartAsync(cancellationToken);
        var zone = services.GetRequiredService<TimeZoneInfo>();
        return Ok(new
        {
            Today = reader.Today(),
            FirstDay = earliest is { } first ? Core.Time.SlotGrid.LocalDateOf(first, zone) : (DateOnly?)null,
            options.Pricing.Currency,
            WhatIf = values,
            ForecastKinds = ReplayRequest.ForecastKinds,
            Running = services.GetRequiredService<LabRunner>().Current is { } current ? LabRunView.Of(current.Run, current.Progress) : null,
        });
    }

    private static async Task<IResult> RunsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var text = http.Request.Query["limit"].FirstOrDefault();
        var limit = 20;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxListed))
        {
            return BadRequest($"limit must be a whole number from 1 to {MaxListed}, not '{text}'");
        }

        var runs = await new LabRunRepository(http.RequestServices.GetRequiredService<DarkstarDatabase>()).ReadLatestAsync(limit, cancellationToken);
        var current = http.RequestServices.GetRequiredService<LabRunner>().Current;
        return Ok(runs.Select(r => LabRunView.Of(r, current?.Run.Id == r.Id ? current.Progress : 0)).ToList());
    }

    private static async Task<IResult> RunAsync(long id, HttpContext http, CancellationToken cancellationToken)
    {
        var run = await new LabRunRepository(http.RequestServices.GetRequiredService<DarkstarDatabase>()).ReadAsync(id, cancellationToken);
        if (run is null)
        {
            return Results.Json(new { error = $"there is no Lab run {id}" }, DarkstarApi.Json, statusCode: StatusCodes.Status404NotFound);
        }

        var current = http.RequestServices.GetRequiredService<LabRunner>().Current;
        return Ok(LabRunView.Of(run, current?.Run.Id == id ? current.Progress : 0));
    }

    private static IResult Cancel(long id, HttpContext http) =>
        http.RequestServices.GetRequiredService<LabRunner>().Cancel(id)
            ? Ok(new { Id = id, Cancelling = true })
            : Conflict($"Lab run {id} is not running");

    private static async Task<IResult> StartReplayAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync<ReplayBody>(http, """{"from": "2026-06-01", "days": 7}""", cancellationToken);
        if (body is null)
        {
            return BadRequest(error!);
        }

        var request = ReplayRequest.Parse(body.From, body.Days ?? 7, body.Forecasts, body.Set, body.ReplanMinutes ?? 60, Field, out var problem);
        if (request is null)
        {
            return BadRequest(problem!);
        }

        var services = http.RequestServices;
        if (Lab.WhatIf.Apply(Planned(services), request.Changes, "set", out var problems) is not { } options)
        {
            return BadRequest(Joined(problems));
        }

        var (replay, missing) = await ReplayStudy.PrepareAsync(request, options, services.GetRequiredService<TimeZoneInfo>(), services.GetRequiredService<DarkstarDatabase>(), cancellationToken);
        if (replay is null)
        {
            return BadRequest(missing!);
        }

        var asked = new { from = body.From, days = request.Days, forecasts = request.Forecasts, set = request.Changes, replan_minutes = request.ReplanMinutes };
        var logging = services.GetRequiredService<ILoggerFactory>();
        var clock = services.GetRequiredService<TimeProvider>();
        return await StartAsync(http, LabRunKind.Replay, asked, async (progress, ct) =>
            JsonSerializer.Serialize(await ReplayStudy.RunAsync(replay, logging, clock, progress, ct), JsonReport.Options), cancellationToken);
    }

    private static async Task<IResult> StartExportAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync<ExportBody>(http, """{"day": "2026-06-01", "kwh": "1,2,4,8"}""", cancellationToken);
        if (body is null)
        {
            return BadRequest(error!);
        }

        var request = LabExportRequest.Parse(body.Day, body.Kwh, body.Relaxed ?? false, body.Set, Field, out var problem);
        if (request is null)
        {
            return BadRequest(problem!);
        }

        var services = http.RequestServices;
        if (Lab.WhatIf.Apply(Planned(services), request.Changes, "set", out var problems) is not { } options)
        {
            return BadRequest(Joined(problems));
        }

        var (study, missing) = await LabExportStudy.PrepareAsync(request, options, services.GetRequiredService<TimeZoneInfo>(), services.GetRequiredService<DarkstarDatabase>(), cancellationToken);
        if (study is null)
        {
            return BadRequest(missing!);
        }

        var asked = new { day = body.Day, kwh = request.Kwh, relaxed = request.Relaxed, set = request.Changes };
        return await StartAsync(http, LabRunKind.LabExport, asked, async (progress, ct) =>
            JsonSerializer.Serialize(await LabExportStudy.RunAsync(study, progress, ct), JsonReport.Options), cancellationToken);
    }

    private static async Task<IResult> StartAsync(
        HttpContext http, LabRunKind kind, object asked, Func<IProgress<double>, CancellationToken, Task<string>> work, CancellationToken cancellationToken)
    {
        var runner = http.RequestServices.GetRequiredService<LabRunner>();
        // The study runs on after the request: it is the runner's to cancel, not the request's.
        var run = await runner.TryStartAsync(kind, JsonSerializer.Serialize(asked, JsonReport.Options), work, cancellationToken);
        if (run is null)
        {
            var running = runner.Current;
            return Conflict(running is null
                ? "a Lab run has just been started; wait for it to end"
                : $"Lab run {running.Run.Id} ({(running.Run.Kind == LabRunKind.Replay ? "a replay" : "an export study")}) is running; wait for it to end or cancel it");
        }

        return Results.Json(LabRunView.Of(run, 0), DarkstarApi.Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The options the planner plans with now: the options file as the user's controls amend them.</summary>
    private static DarkstarOptions Planned(IServiceProvider services) =>
        services.GetRequiredService<ControlStore>().Current.ApplyTo(services.GetRequiredService<DarkstarOptions>());

    // A field named as the body spells it.
    private static string Field(string name) => name;

    private static string Joined(IReadOnlyList<string> problems) => string.Join(" ", problems.Select(p => p.Trim()));

    private static async Task<(T? Body, string? Error)> ReadBodyAsync<T>(HttpContext http, string example, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(DarkstarApi.Json, cancellationToken) is { } body
                ? (body, null)
                : (null, $"the body must be JSON like {example}");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, $"the body must be JSON like {example}: {e.Message}");
        }
    }

    private static IResult Ok(object? value) => Results.Json(value, DarkstarApi.Json);

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, DarkstarApi.Json, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Conflict(string message) => Results.Json(new { error = message }, DarkstarApi.Json, statusCode: StatusCodes.Status409Conflict);
}
