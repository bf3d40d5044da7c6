using Darkstar.Mqtt.Tests.Support;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;

namespace Darkstar.Mqtt.Tests;

/// <summary>Two installations on one broker, each with the client id of its own database.</summary>
public sealed class ClientIdTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TwoInstallationsOnOneBroker_EachKeepsItsConnection_AndItsIdAcrossRestarts()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var first = await InstallationOfAsync("first.db");
        var second = await InstallationOfAsync("second.db");
        var settings = RunningService.SettingsFor("127.0.0.1", broker.Port);

        await using var one = await RunningService.StartAsync(settings, installation: first);
        await using var other = await RunningService.StartAsync(settings, installation: second);
        // Had they one id, the broker would have dropped the first when the second connected: it would connect again now.
        await one.FlushAsync();
        await other.FlushAsync();

        Assert.Equal(1, one.Connection.ConnectCount);
        Assert.Equal(1, other.Connection.ConnectCount);
        Assert.True(one.Connection.IsConnected && other.Connection.IsConnected);
        Assert.StartsWith("darkstar-", one.Connection.Settings.ClientId, StringComparison.Ordinal);
        Assert.NotEqual(one.Connection.Settings.ClientId, other.Connection.Settings.ClientId);
        // The same database gives the same id again (a restart).
        Assert.Equal(one.Connection.Settings.ClientId, $"darkstar-{await (await InstallationOfAsync("first.db")).ReadOrCreateAsync(CancellationToken.None)}");
    }

    [Fact]
    public async Task ClientIdGiven_Stays()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var settings = RunningService.SettingsFor("127.0.0.1", broker.Port) with { ClientId = "my-darkstar" };

        await using var service = await RunningService.StartAsync(settings, installation: await InstallationOfAsync("d.db"));

        Assert.Equal("my-darkstar", service.Connection.Settings.ClientId);
    }

    private async Task<InstallationIdentity> InstallationOfAsync(string file)
    {
        var database = new DarkstarDatabase(_folder.File(file));
        await new SchemaMigrator(database, TimeProvider.System).MigrateAsync(CancellationToken.None);
        return new InstallationIdentity(new UserSettingRepository(database), TimeProvider.System);
    }
}
