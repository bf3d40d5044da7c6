using Darkstar.Core.Controls;
using Darkstar.Core.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Core.Tests.Controls;

public sealed class ControlStoreTests
{
    private static readonly DarkstarControlValues Defaults = DarkstarControlValues.FromOptions(new DarkstarOptions());

    [Fact]
    public async Task LoadAsync_StoredValues_OverTheOptionsAndAnInvalidOneIgnored()
    {
        var stored = new Settings(new() { ["min_soc"] = "20", ["manual_override"] = "hold", ["risk_appetite"] = "9" });
        using var store = new ControlStore(Defaults, stored, NullLogger<ControlStore>.Instance);
        var changes = new List<ControlsChange>();
        store.Changed += (_, change) => changes.Add(change);

        await store.LoadAsync(CancellationToken.None);

        Assert.Equal(20, store.Current.MinSocPercent);
        Assert.Equal("hold", store.Current.ManualOverride);
        Assert.Equal(Defaults.RiskAppetite, store.Current.RiskAppetite);
        var loaded = Assert.Single(changes);
        Assert.True(loaded.Loaded);
        Assert.Equal(["manual_override", "min_soc"], loaded.ControlIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SetAsync_Valid_PersistedInForceAndNotified()
    {
        var stored = new Settings([]);
        using var store = new ControlStore(Defaults, stored, NullLogger<ControlStore>.Instance);
        await store.LoadAsync(CancellationToken.None);
        ControlsChange? seen = null;
        store.Changed += (_, change) => seen = change;

        var result = await store.SetAsync("allow_export", "OFF", CancellationToken.None);

        Assert.NotNull(result.Command);
        Assert.False(store.Current.AllowExport);
        Assert.Equal("OFF", stored.Values["allow_export"]);
        Assert.Equal(["allow_export"], seen!.ControlIds);
        Assert.False(seen.Loaded);
        Assert.False(store.Current.ApplyTo(new DarkstarOptions()).Grid.ExportAllowed);
    }

    [Fact]
    public async Task SetAsync_VacationMode_StoredAndAmendsThePlannersOptions()
    {
        var stored = new Settings([]);
        using var store = new ControlStore(Defaults, stored, NullLogger<ControlStore>.Instance);
        await store.LoadAsync(CancellationToken.None);

        var result = await store.SetAsync("vacation_mode", "ON", CancellationToken.None);

        Assert.NotNull(result.Command);
        Assert.True(store.Current.VacationMode);
        Assert.Equal("ON", stored.Values["vacation_mode"]);
        Assert.True(DarkstarControlValues.AmendsPlan("vacation_mode"));
        var options = new DarkstarOptions { Vacation = new VacationOptions { LoadFactor = 0.3 } };
        Assert.Equal(new VacationOptions { Enabled = true, LoadFactor = 0.3 }, store.Current.ApplyTo(options).Vacation);
    }

    [Theory]
    [InlineData("max_soc", "5")]
    [InlineData("risk_appetite", "6")]
    [InlineData("replan", "PRESS")]
    public async Task SetAsync_Rejected_NothingChangesOrIsStored(string id, string text)
    {
        var stored = new Settings([]);
        using var store = new ControlStore(Defaults, stored, NullLogger<ControlStore>.Instance);
        await store.SetAsync("min_soc", "10", CancellationToken.None);
        var before = store.Current;

        var result = await store.SetAsync(id, text, CancellationToken.None);

        Assert.Null(result.Command);
        Assert.NotNull(result.Error);
        Assert.Same(before, store.Current);
        Assert.Equal(["min_soc"], stored.Values.Keys);
    }

    [Fact]
    public async Task SetAsync_PersistingFails_ThrowsAndNothingChanges()
    {
        using var store = new ControlStore(Defaults, new Settings([]) { Refuse = true }, NullLogger<ControlStore>.Instance);
        var notified = false;
        store.Changed += (_, _) => notified = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetAsync("shadow_mode", "OFF", CancellationToken.None));

        Assert.Equal(Defaults, store.Current);
        Assert.False(notified);
    }

    private sealed class Settings(Dictionary<string, string> values) : IUserSettingsStore
    {
        public bool Refuse { get; init; }

        public Dictionary<string, string> Values => values;

        public Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(values));

        public Task SaveAsync(string controlId, string value, CancellationToken cancellationToken)
        {
            if (Refuse)
            {
                return Task.FromException(new InvalidOperationException("refused"));
            }

            values[controlId] = value;
            return Task.CompletedTask;
        }
    }
}
