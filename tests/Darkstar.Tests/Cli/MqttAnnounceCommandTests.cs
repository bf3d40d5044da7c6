using System.Globalization;
using System.Text.Json;
using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Mqtt.Discovery;
using Darkstar.Mqtt.Tests.Support;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Tests.Cli;

/// <summary><c>darkstar mqtt announce</c> against the fixture broker.</summary>
public sealed class MqttAnnounceCommandTests : IDisposable
{
    private static readonly DarkstarTopics Topics = new("homeassistant", "darkstar");
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 5, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Announce_DatabaseWithPrices_PublishesDiscoveryPricesAndUnknownRest()
    {
        var db = _temp.File("darkstar.db");
        var database = new DarkstarDatabase(db);
        await new SchemaMigrator(database, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var slot = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        await new PriceRepository(database).UpsertAsync(
            Enumerable.Range(0, 8).Select(i => new SlotPrice
            {
                SlotStart = slot.AddMinutes(15 * i),
                ImportPrice = 0.2 + (0.01 * i),
                ExportPrice = 0.05,
                Source = "test",
                FetchedAt = slot,
            }),
            CancellationToken.None);
        await new UserSettingRepository(database).UpsertAsync("max_soc", "90", slot, CancellationToken.None);
        await using var broker = await MosquittoBroker.StartAsync("ha", "pw");

        var result = await RunAsync("mqtt", "announce", "--db", db, "--broker-host", broker.Host,
            "--broker-port", broker.Port.ToString(CultureInfo.InvariantCulture), "--username", "ha", "--password", "pw", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain("pw", result.Error.Replace("--password", "", StringComparison.Ordinal), StringComparison.Ordinal);
        using var report = JsonDocument.Parse(result.LastLine);
        // The simulated home's options: 40 entities and its dishwasher's sensor (flexible_loads).
        Assert.Equal(41, report.RootElement.GetProperty("entities").GetInt32());
        await using var observer = await MqttObserver.ConnectAsync(broker, "ha", "pw", "homeassistant/device/darkstar/config", "darkstar/#");
        await observer.WaitForAsync(m => m.Topic == Topics.DeviceConfig && m.Retained, "the retained device config");
        await observer.WaitForAsync(Topics.State("import_price"), "0.2");
        await observer.WaitForAsync(Topics.State("cheap_slot_now"), "ON");
        await observer.WaitForAsync(Topics.State("max_soc"), "90");
        await observer.WaitForAsync(Topics.State("planned_action"), "None");
        await observer.WaitForAsync(Topics.State("load_forecast"), "None");
        await observer.WaitForAsync(Topics.State("realised_cost_yesterday"), "None");
        // No peak fee in these options: the peak sensors are unknown, not zero.
        await observer.WaitForAsync(Topics.State("peak_so_far"), "None");
        // No plan yet: the dishwasher's energy today is unknown, not zero.
        await observer.WaitForAsync(Topics.State("flexible_load_dishwasher"), "None");
        // The one-shot announcer leaves as cleanly as the add-on: offline until the add-on itself says online.
        await observer.WaitForAsync(Topics.Availability, "offline");
    }

    [Fact]
    public async Task Announce_NoBrokerListening_ExitsOneWithAClearMessage()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await broker.KillAsync();

        var result = await RunAsync("mqtt", "announce", "--db", _temp.File("none.db"), "--broker-host", broker.Host,
            "--broker-port", broker.Port.ToString(CultureInfo.InvariantCulture), "--timeout", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"the broker at {broker.Host}:{broker.Port} did not accept Darkstar within 2 s", result.Error, StringComparison.Ordinal);
    }

    private async Task<ProcessResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, new FakeTimeProvider(Now), _ => null, _temp.File("no-options.json"));
        var exitCode = await DarkstarCommandLine.InvokeAsync(args, context, CancellationToken.None);
        return new ProcessResult(exitCode, output.ToString(), error.ToString());
    }
}
