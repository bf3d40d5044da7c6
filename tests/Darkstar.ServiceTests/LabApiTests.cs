using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Darkstar.Core.Domain;
using Darkstar.Lab;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;

namespace Darkstar.ServiceTests;

/// <summary>
/// The Lab's API on the service's own database: a study started, a second refused while it runs, one cancelled, bad input
/// refused with its reason, and a finished study stored, listed and announced on the event stream.
/// </summary>
public sealed partial class WebApiTests
{
    /// <summary>The run goes from 22:00 to 01:00 local: yesterday, June 10th, is a day the service has recorded whole.</summary>
    private const string RecordedDay = "2026-06-10";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostJsonAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private Task NoLabRunAsync() =>
        Eventually.HoldsAsync(() => Service.Get<LabRunner>().Current is null, "no Lab run in progress", TimeSpan.FromMinutes(2), Limit(150));

    [Fact]
    public async Task Lab_ASecondStudyIsRefusedWhileOneRuns_AndTheRunningOneCanBeCancelled()
    {
        await NoLabRunAsync();
        // The study stays running until it is cancelled, however fast the machine would have finished it.
        var runner = Service.Get<LabRunner>();
        runner.BeforeEachStudy = cancellationToken => Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        try
        {
            await RefusedWhileRunningThenCancelledAsync();
        }
        finally
        {
            runner.BeforeEachStudy = _ => Task.CompletedTask;
        }
    }

    private async Task RefusedWhileRunningThenCancelledAsync()
    {
        var (started, run) = await PostJsonAsync("api/lab/replay", new { from = RecordedDay, days = 1, forecasts = "baseline", replan_minutes = 15 });
        Assert.True(started == HttpStatusCode.Accepted, run?.ToJsonString());
        var id = run!["id"]!.GetValue<long>();
        Assert.Equal("running", run["status"]!.GetValue<string>());
        Assert.Equal("replay", run["kind"]!.GetValue<string>());

        var (refused, why) = await PostJsonAsync("api/lab/export", new { day = RecordedDay, kwh = "1" });
        var (cancelled, _) = await PostJsonAsync($"api/lab/runs/{id}/cancel", new { });

        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains($"Lab run {id} (a replay) is running; wait for it to end or cancel it", why!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cancelled);
        await NoLabRunAsync();
        var stored = await new LabRunRepository(Database).ReadAsync(id, Limit());
        Assert.Equal(RunStatus.Cancelled, stored!.Status);
        Assert.NotNull(stored.FinishedAt);
        Assert.Null(stored.ResultJson);
        var (again, _) = await PostJsonAsync($"api/lab/runs/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.Conflict, again);
    }

    [Fact]
    public async Task Lab_ExportStudyOfARecordedDay_IsStoredListedAndAnnouncedWhenItEnds()
    {
        await NoLabRunAsync();
        using var stream = await Http.GetStreamAsync(new Uri("api/events", UriKind.Relative));
        using var reader = new StreamReader(stream);
        Assert.Equal(": connected", await reader.ReadLineAsync());

        var (started, run) = await PostJsonAsync("api/lab/export", new { day = RecordedDay, kwh = "1,2" });
        Assert.True(started == HttpStatusCode.Accepted, run?.ToJsonString());
        var id = run!["id"]!.GetValue<long>();
        var ending = EndEventAsync(reader, id);
        Assert.True(await Task.WhenAny(ending, Task.Delay(TimeSpan.FromMinutes(2))) == ending, "no lab event saying the study ended within 2 minutes");
        var ended = await ending;

        Assert.True(ended["status"]!.GetValue<string>() == "succeeded", ended.ToJsonString());
        var stored = await new LabRunRepository(Database).ReadAsync(id, Limit());
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.Equal(LabRunKind.LabExport, stored.Kind);
        var result = JsonNode.Parse(stored.ResultJson!)!;
        Assert.Equal(RecordedDay, result["day"]!.GetValue<string>());
        var scenarios = result["scenarios"]!.AsArray();
        Assert.Equal([1.0, 2.0], scenarios.Select(s => s!["target_kwh"]!.GetValue<double>()));
        Assert.All(scenarios, s => Assert.Equal(
            s!["cost"]!.GetValue<double>() - result["own_plan_cost"]!.GetValue<double>(), s["vs_own_plan"]!.GetValue<double>(), 2));

        // Listed newest first, with what was asked and the result as stored; and on its own.
        var listed = (await GetAsync("api/lab/runs")).AsArray();
        Assert.Equal(id, listed[0]!["id"]!.GetValue<long>());
        Assert.Equal("lab_export", listed[0]!["kind"]!.GetValue<string>());
        Assert.Equal("[1,2]", listed[0]!["request"]!["kwh"]!.ToJsonString());
        Assert.Equal(result.ToJsonString(), listed[0]!["result"]!.ToJsonString());
        Assert.Equal(result.ToJsonString(), (await GetAsync($"api/lab/runs/{id}"))["result"]!.ToJsonString());
        var lab = await GetAsync("api/lab");
        Assert.Null(lab["running"]);
        Assert.Equal(Service.Get<Core.Options.DarkstarOptions>().Battery.CapacityKwh, lab["what_if"]!["battery.capacity_kwh"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("api/lab/replay", """{"from":"yesterday"}""", "from: 'yesterday' is not a date of the form yyyy-MM-dd.")]
    [InlineData("api/lab/replay", """{"from":"2026-06-10","days":0}""", "days must be at least 1 and replan_minutes a positive multiple of 15.")]
    [InlineData("api/lab/replay", """{"from":"2026-06-10","forecasts":"psychic"}""", "forecasts: 'psychic' is not one of stored, baseline, aurora, perfect.")]
    [InlineData("api/lab/replay", """{"from":"2026-06-10","set":["mqtt.port=1"]}""", "set: mqtt.port cannot be changed in a replay; these can: battery.capacity_kwh")]
    [InlineData("api/lab/replay", """{"from":"2026-06-10","set":["battery.capacity_kwh=lots","battery.min_soc_percent=150"]}""", "battery.capacity_kwh = lots: must be a number")]
    [InlineData("api/lab/replay", """{"from":"2030-01-01","days":2}""", "have no load")]
    [InlineData("api/lab/export", """{"day":"2026-06-10","kwh":"1,lots"}""", "kwh: 'lots' is not a positive number of kWh")]
    [InlineData("api/lab/export", """{"day":"2030-01-01"}""", "2030-01-01 lacks load or prices in the database")]
    [InlineData("api/lab/export", "not json", "the body must be JSON")]
    public async Task Lab_BadInput_IsA400SayingWhy_AndStartsNothing(string path, string body, string said)
    {
        var before = (await new LabRunRepository(Database).ReadLatestAsync(100, Limit())).Count;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(said, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await new LabRunRepository(Database).ReadLatestAsync(100, Limit())).Count);
    }

    /// <summary>The <c>lab</c> event that says run <paramref name="id"/> is no longer running.</summary>
    private static async Task<JsonNode> EndEventAsync(StreamReader reader, long id)
    {
        while (true)
        {
            var data = JsonNode.Parse(await ReadEventAsync(reader, "lab"))!;
            if (data["id"]!.GetValue<long>() == id && data["status"]!.GetValue<string>() != "running")
            {
                return data;
            }
        }
    }
}
