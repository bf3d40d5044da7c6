using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;

namespace Darkstar.ServiceTests;

/// <summary>Manual blocks through <c>api/blocks</c> on the running service: planned, carried out by the simulated home's inverter, and gone once ended.</summary>
public sealed partial class WebApiTests
{
    [Fact]
    public async Task Blocks_PostedThroughTheApi_ThePlanShowsThemTheHomeHoldsThenChargesAndTheyExpire()
    {
        var limit = Limit(240);
        var next = SlotGrid.Floor(Service.Home.Clock.GetUtcNow()) + SlotGrid.SlotLength;
        var chargeStart = next + TimeSpan.FromMinutes(30);
        var planner = Service.Get<Planning.Kepler.PlannerLoop>();
        var plansBefore = planner.Plans;

        using var hold = await Http.PostAsJsonAsync(new Uri("api/blocks", UriKind.Relative), new { action = "hold", start = next, hours = 0.5 }, limit);
        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        using var charge = await Http.PostAsJsonAsync(new Uri("api/blocks", UriKind.Relative), new { action = "charge", start = chargeStart, hours = 0.5, power_kw = 4 }, limit);
        Assert.Equal(HttpStatusCode.Created, charge.StatusCode);
        var listed = (await GetAsync("api/blocks"))["blocks"]!.AsArray();
        Assert.Equal(["hold", "charge"], listed.Select(b => b!["action"]!.GetValue<string>()));

        // A new block asks for a re-plan; the plan names the blocked slots.
        await fixture.Rig.AdvanceUntilAsync(() => planner.Plans > plansBefore + 1, TimeSpan.FromMinutes(10), "the plans after the two blocks", limit);
        var plan = await GetAsync("api/plan");
        var blocked = plan["slots"]!.AsArray()
            .Where(s => s!["manual_block"] is not null)
            .ToDictionary(s => s!["slot_start"]!.GetValue<DateTimeOffset>(), s => s!["manual_block"]!.GetValue<string>());
        Assert.Equal(["hold", "hold", "charge", "charge"], blocked.OrderBy(b => b.Key).Select(b => b.Value));

        // The hold block: the battery keeps its energy through the night's load.
        await fixture.Rig.AdvanceUntilAsync(() => Service.Home.Clock.GetUtcNow() >= next + TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(20), "into the hold block", limit);
        var heldFrom = Service.Home.Model.SocPercent;
        Assert.Equal(CommandedAction.Hold, Service.Get<Service.StatusBoard>().Executor!.CommandedAction);
        await fixture.Rig.AdvanceUntilAsync(() => Service.Home.Clock.GetUtcNow() >= next + TimeSpan.FromMinutes(28), TimeSpan.FromMinutes(30), "through the hold block", limit);
        Assert.InRange(Service.Home.Model.SocPercent, heldFrom - 0.5, heldFrom + 0.5);

        // The charge block: 4 kW from the grid at night, whatever the price, up to the maximum SoC.
        await fixture.Rig.AdvanceUntilAsync(() => Service.Home.Clock.GetUtcNow() >= chargeStart + TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), "into the charge block", limit);
        var chargedFrom = Service.Home.Model.SocPercent;
        await fixture.Rig.AdvanceUntilAsync(() => Service.Home.Clock.GetUtcNow() >= chargeStart + TimeSpan.FromMinutes(28), TimeSpan.FromMinutes(30), "through the charge block", limit);
        var max = fixture.Rig.Options.Battery.MaxSocPercent;
        Assert.True(
            Service.Home.Model.SocPercent > chargedFrom + 10 || Service.Home.Model.SocPercent >= max - 1,
            $"SoC {Service.Home.Model.SocPercent:0.#} % after 26 minutes of the charge block, from {chargedFrom:0.#} %");

        // Ended blocks constrain nothing and are gone.
        await fixture.Rig.AdvanceUntilAsync(() => Service.Home.Clock.GetUtcNow() >= chargeStart + TimeSpan.FromMinutes(31), TimeSpan.FromMinutes(10), "past the blocks", limit);
        Assert.Empty((await GetAsync("api/blocks"))["blocks"]!.AsArray());
        Assert.Empty(await new ManualBlockRepository(Database).ReadEndingAfterAsync(DateTimeOffset.MinValue, limit));
    }

    [Theory]
    [InlineData("""{"action":"boost","hours":1}""", "action 'boost' is not one of charge, discharge, export, hold, water_heater")]
    [InlineData("""{"action":"hold","start":"2026-06-13T10:00:00Z","end":"2026-06-13T09:00:00Z"}""", "must be after start")]
    [InlineData("""{"action":"hold","start":"2026-06-01T10:00:00Z","hours":1}""", "is in the past")]
    [InlineData("""{"action":"hold","start":"2026-06-30T10:00:00Z","hours":1}""", "more than 48 hours ahead")]
    [InlineData("""{"action":"charge","hours":1,"target_soc_percent":140}""", "target_soc_percent 140 is outside")]
    [InlineData("not json", "must be JSON")]
    public async Task BlockPost_BadInput_IsA400SayingWhy_AndAddsNothing(string body, string said)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("api/blocks", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(said, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await Service.Get<ManualBlockStore>().ActiveAsync(Limit()));
    }

    [Fact]
    public async Task BlockDelete_RemovesTheBlock_AndAnUnknownIdIsA404()
    {
        var start = SlotGrid.Floor(Service.Home.Clock.GetUtcNow()).AddHours(5);
        using var created = await Http.PostAsJsonAsync(new Uri("api/blocks", UriKind.Relative), new { action = "export", start, hours = 1, energy_kwh = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();

        using var deleted = await Http.DeleteAsync(new Uri($"api/blocks/{id}", UriKind.Relative));
        using var again = await Http.DeleteAsync(new Uri($"api/blocks/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty(await Service.Get<ManualBlockStore>().ActiveAsync(Limit()));
        var paths = (await GetAsync("api/openapi.json"))["paths"]!;
        Assert.NotNull(paths["/api/blocks"]?["post"]);
        Assert.NotNull(paths["/api/blocks/{id}"]?["delete"]);
    }
}
