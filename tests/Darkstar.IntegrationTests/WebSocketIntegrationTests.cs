using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.Simulation;
using EntityIds = Darkstar.Simulation.Home.EntityIds;
using HomeSimulation = Darkstar.Simulation.Home.HomeSimulation;
using SimStatistics = Darkstar.Simulation.Recording.StatisticsPeriod;
using WorkModes = Darkstar.Simulation.Home.WorkModes;

namespace Darkstar.IntegrationTests;

/// <summary>Our WebSocket client against the simulated home's <c>/api/websocket</c>.</summary>
public sealed class WebSocketIntegrationTests
{
    [Fact]
    public async Task StartAsync_RightToken_ConnectedWithTheHomesVersion()
    {
        await using var home = await IntegrationHome.StartAsync();

        var client = await home.ConnectedSocketAsync();

        Assert.True(client.IsConnected);
        Assert.Equal(SimulatedHomeOptions.DefaultVersion, client.HomeAssistantVersion);
        var change = await IntegrationHome.ReadAsync(client.ConnectionChanges);
        Assert.Equal(ConnectionStatus.Connected, change.Status);
        Assert.Equal(SimulatedHomeOptions.DefaultVersion, change.HomeAssistantVersion);
    }

    [Fact]
    public async Task StartAsync_WrongToken_FatalWithTheFixAndNeverTheToken()
    {
        await using var home = await IntegrationHome.StartAsync();
        const string wrongToken = "wrong-token-0815";
        var client = home.Socket(settings: home.Settings(wrongToken));

        var error = await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => client.StartAsync(CancellationToken.None).WaitAsync(IntegrationHome.Patience));

        AssertActionable(error, wrongToken);
        await AssertStoppedForAuthAsync(client);
    }

    [Fact]
    public async Task StartAsync_RefuseAuth_FatalWithTheFixAndNeverTheToken()
    {
        await using var home = await IntegrationHome.StartAsync();
        home.Home.Faults.RefuseAuth = true;
        var client = home.Socket();

        var error = await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => client.StartAsync(CancellationToken.None).WaitAsync(IntegrationHome.Patience));

        AssertActionable(error, home.Home.Token);
        await AssertStoppedForAuthAsync(client);
    }

    [Fact]
    public async Task GetStatesAsync_Connected_TheSimsStates()
    {
        await using var home = await IntegrationHome.StartAsync();
        await home.AdvanceAsync(TimeSpan.FromMinutes(4));
        var client = await home.ConnectedSocketAsync();

        var states = await client.GetStatesAsync(CancellationToken.None);

        var expected = home.Home.States.All();
        Assert.Equal(expected.Select(s => (s.EntityId, s.State, s.LastUpdated)), states.Select(s => (s.EntityId, s.State, s.LastUpdated)));
        Assert.Equal(expected.Select(s => s.UnitOfMeasurement), states.Select(s => s.UnitOfMeasurement));
    }

    [Fact]
    public async Task GetConfigAsync_Connected_SameAsRest()
    {
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();

        var config = await client.GetConfigAsync(CancellationToken.None);
        var rest = await home.Rest().GetConfigAsync(CancellationToken.None);

        Assert.Equal(home.Home.Source.Site.TimeZone.Id, config.TimeZone);
        Assert.Equal((rest.LocationName, rest.TimeZone, rest.Version, rest.Currency, rest.Latitude, rest.Longitude), (config.LocationName, config.TimeZone, config.Version, config.Currency, config.Latitude, config.Longitude));
    }

    [Fact]
    public async Task PingAsync_Connected_Pong()
    {
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();

        await client.PingAsync(CancellationToken.None).WaitAsync(IntegrationHome.Patience);

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task SubscribeEventsAsync_StateChangedAsPhysicsAdvance_EveryChangeOfTheSimInOrder()
    {
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();
        await using var subscription = await client.SubscribeEventsAsync("state_changed", CancellationToken.None);
        var simChanges = new List<(string EntityId, string State)>();
        using var listening = home.Home.States.Listen(change => simChanges.Add((change.EntityId, change.NewState.State)));

        await home.AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.True(simChanges.Count > 10, "the home should change as its physics advance");
        var events = await ReadCountAsync(subscription.Reader, simChanges.Count);
        Assert.All(events, e => Assert.Equal("state_changed", e.EventType));
        Assert.Equal(simChanges, events.Select(e => (e.Data.GetProperty("entity_id").GetString()!, e.Data.GetProperty("new_state").GetProperty("state").GetString()!)));
        Assert.All(events, e => Assert.NotNull(e.TimeFired));
    }

    [Fact]
    public async Task SubscribeEntitiesAsync_InitialThenPhysics_InitialStatesThenEveryChange()
    {
        await using var home = await IntegrationHome.StartAsync();
        await home.AdvanceAsync(TimeSpan.FromMinutes(2));
        var client = await home.ConnectedSocketAsync();
        string[] wanted = [EntityIds.BatterySoc, EntityIds.LoadEnergy, EntityIds.PvPower];
        var initialSim = wanted.Select(id => home.Home.States.Get(id)!).ToList();
        await using var subscription = await client.SubscribeEntitiesAsync(wanted, CancellationToken.None);

        var initial = await ReadCountAsync(subscription.Reader, wanted.Length);
        var simChanges = new List<(string EntityId, string State)>();
        using (home.Home.States.Listen(change =>
        {
            if (wanted.Contains(change.EntityId))
            {
                simChanges.Add((change.EntityId, change.NewState.State));
            }
        }))
        {
            await home.AdvanceAsync(TimeSpan.FromMinutes(6));
        }

        Assert.All(initial, change => Assert.Null(change.OldState));
        Assert.Equal(initialSim.Select(s => (s.EntityId, s.State, s.LastChanged)), initial.OrderBy(c => c.EntityId, StringComparer.Ordinal).Select(c => (c.EntityId, c.NewState!.State, c.NewState.LastChanged)));
        Assert.Equal("kWh", initial.Single(c => c.EntityId == EntityIds.LoadEnergy).NewState!.UnitOfMeasurement);
        Assert.True(simChanges.Count(c => c.EntityId == EntityIds.LoadEnergy) >= 3, "the load counter should move every few minutes");
        var changes = await ReadCountAsync(subscription.Reader, simChanges.Count);
        Assert.Equal(simChanges, changes.Select(c => (c.EntityId, c.NewState!.State)));
        Assert.All(changes, c => Assert.False(c.IsSynthetic));
        // Merged diffs keep the attributes the diff did not repeat.
        Assert.All(changes.Where(c => c.EntityId == EntityIds.LoadEnergy), c => Assert.Equal("kWh", c.NewState!.UnitOfMeasurement));
        var final = home.Home.States.Get(EntityIds.LoadEnergy)!;
        Assert.Equal(final.LastUpdated, changes.Last(c => c.EntityId == EntityIds.LoadEnergy).NewState!.LastUpdated);
    }

    [Fact]
    public async Task CallServiceAsync_SelectOptionWithTarget_WorkModeChangesAndTheChangeArrives()
    {
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();
        await using var changes = await client.SubscribeStateChangesAsync([EntityIds.WorkMode], CancellationToken.None);
        var call = new ServiceCall("select", "select_option", new JsonObject { ["option"] = WorkModes.ForceCharge }, ServiceTarget.Entity(EntityIds.WorkMode));

        var result = await client.CallServiceAsync(call, CancellationToken.None);

        Assert.Null(result.Response);
        var change = await IntegrationHome.ReadAsync(changes.Reader);
        Assert.Equal(EntityIds.WorkMode, change.EntityId);
        Assert.Equal(WorkModes.SelfConsumption, change.OldState!.State);
        Assert.Equal(WorkModes.ForceCharge, change.NewState!.State);
        Assert.Equal(WorkModes.ForceCharge, home.Home.States.Get(EntityIds.WorkMode)!.State);
        var state = (await client.GetStatesAsync(CancellationToken.None)).Single(s => s.EntityId == EntityIds.WorkMode);
        Assert.Equal(WorkModes.ForceCharge, state.State);
    }

    [Fact]
    public async Task CallServiceAsync_NordpoolWithReturnResponse_TodaysPrices()
    {
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();
        var site = home.Home.Source.Site;
        var today = SlotGrid.LocalDateOf(home.Now, site.TimeZone);
        var call = new ServiceCall(
            "nordpool",
            "get_prices_for_date",
            new JsonObject
            {
                ["config_entry"] = HomeSimulation.NordpoolConfigEntryId,
                ["date"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
            ReturnResponse: true);

        var result = await client.CallServiceAsync(call, CancellationToken.None);

        Assert.NotNull(result.Response);
        var prices = result.Response.Value.GetProperty(home.Home.Source.Market.PriceArea).EnumerateArray().ToList();
        var expected = home.Home.Source.PricesForDay(today)!;
        Assert.Equal(expected.Count, prices.Count);
        Assert.Equal(expected.Select(p => Math.Round(p.PricePerKwh * 1000, 2)), prices.Select(p => p.GetProperty("price").GetDouble()));
        Assert.Equal(expected[0].Start, DateTimeOffset.Parse(prices[0].GetProperty("start").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CallServiceAsync_ReturnResponseOnActionWithoutResponse_CommandErrorWithCode()
    {
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();
        var call = new ServiceCall("switch", "turn_on", null, ServiceTarget.Entity(EntityIds.WaterHeater), ReturnResponse: true);

        var error = await Assert.ThrowsAsync<HomeAssistantCommandException>(() => client.CallServiceAsync(call, CancellationToken.None));

        Assert.Equal("service_validation_error", error.Code);
        Assert.Equal("call_service", error.CommandType);
        Assert.Equal("off", home.Home.States.Get(EntityIds.WaterHeater)!.State);
    }

    [Fact]
    public async Task GetStatisticsDuringPeriodAsync_FiveMinutes_ChangeSumStateAndMeanAsRecorded()
    {
        await using var home = await IntegrationHome.StartAsync(history: TimeSpan.FromHours(3));
        var client = await home.ConnectedSocketAsync();
        var start = home.Now.AddHours(-1);
        var request = new StatisticsRequest([EntityIds.LoadEnergy, EntityIds.LoadPower], start, home.Now, StatisticsPeriod.FiveMinutes);

        var statistics = await client.GetStatisticsDuringPeriodAsync(request, CancellationToken.None);

        var (energyRows, sumBefore) = home.Home.Recorder.Statistics(EntityIds.LoadEnergy, SimStatistics.FiveMinute, start, home.Now);
        var energy = statistics[EntityIds.LoadEnergy];
        Assert.Equal(12, energy.Count);
        Assert.Equal(energyRows.Select(r => (r.Start, r.End)), energy.Select(r => (r.Start, r.End)));
        Assert.All(energy, r => Assert.Equal(TimeSpan.FromMinutes(5), r.End - r.Start));
        var previousSum = sumBefore!.Value;
        foreach (var (ours, recorded) in energy.Zip(energyRows))
        {
            Assert.Equal(recorded.Sum!.Value, ours.Sum!.Value, 9);
            Assert.Equal(recorded.State!.Value, ours.State!.Value, 9);
            Assert.Equal(recorded.Sum.Value - previousSum, ours.Change!.Value, 9);
            Assert.True(ours.Change > 0);
            Assert.Null(ours.Mean);
            previousSum = recorded.Sum.Value;
        }

        var (powerRows, _) = home.Home.Recorder.Statistics(EntityIds.LoadPower, SimStatistics.FiveMinute, start, home.Now);
        var power = statistics[EntityIds.LoadPower];
        Assert.Equal(powerRows.Select(r => (r.Start, r.Mean, r.Min, r.Max)), power.Select(r => (r.Start, r.Mean, r.Min, r.Max)));
        Assert.All(power, r => Assert.True(r.Min <= r.Mean && r.Mean <= r.Max));
        Assert.All(power, r => Assert.Null(r.Sum));
    }

    [Fact]
    public async Task GetStatisticsDuringPeriodAsync_HourChangeAndSum_HourIsTheSumOfItsFiveMinuteChanges()
    {
        await using var home = await IntegrationHome.StartAsync(history: TimeSpan.FromHours(4));
        var client = await home.ConnectedSocketAsync();
        var start = home.Now.AddHours(-3);
        var hourly = new StatisticsRequest([EntityIds.LoadEnergy, EntityIds.PvEnergy], start, home.Now, StatisticsPeriod.Hour, StatisticTypes.Change | StatisticTypes.Sum);
        var fiveMinute = hourly with { Period = StatisticsPeriod.FiveMinutes, Types = StatisticTypes.Change };
        var inWh = hourly with { Units = new Dictionary<string, string> { ["energy"] = "Wh" } };

        var hours = await client.GetStatisticsDuringPeriodAsync(hourly, CancellationToken.None);
        var fives = await client.GetStatisticsDuringPeriodAsync(fiveMinute, CancellationToken.None);
        var hoursInWh = await client.GetStatisticsDuringPeriodAsync(inWh, CancellationToken.None);

        foreach (var entityId in new[] { EntityIds.LoadEnergy, EntityIds.PvEnergy })
        {
            var rows = hours[entityId];
            Assert.Equal(3, rows.Count);
            Assert.Equal([start, start.AddHours(1), start.AddHours(2)], rows.Select(r => r.Start));
            Assert.All(rows, r => Assert.Null(r.State));
            Assert.All(rows, r => Assert.Null(r.Mean));
            foreach (var row in rows)
            {
                var parts = fives[entityId].Where(r => r.Start >= row.Start && r.Start < row.End).ToList();
                Assert.Equal(12, parts.Count);
                Assert.Equal(parts.Sum(p => p.Change!.Value), row.Change!.Value, 6);
            }

            Assert.Equal(rows[2].Sum!.Value - rows[1].Sum!.Value, rows[2].Change!.Value, 9);
            Assert.Equal(rows.Select(r => r.Change!.Value * 1000), hoursInWh[entityId].Select(r => r.Change!.Value), new ToleranceComparer(1e-6));
        }

        Assert.True(hours[EntityIds.LoadEnergy].All(r => r.Change > 0));
    }

    [Fact]
    public async Task ListStatisticIdsAsync_SumAndMean_CountersWithSumPowersWithMean()
    {
        await using var home = await IntegrationHome.StartAsync(history: TimeSpan.FromHours(1));
        var client = await home.ConnectedSocketAsync();

        var sums = await client.ListStatisticIdsAsync("sum", CancellationToken.None);
        var means = await client.ListStatisticIdsAsync("mean", CancellationToken.None);
        var all = await client.ListStatisticIdsAsync(null, CancellationToken.None);

        Assert.Equal(EntityIds.EnergyCounters.Order(StringComparer.Ordinal), sums.Select(s => s.StatisticId).Order(StringComparer.Ordinal));
        Assert.All(sums, s =>
        {
            Assert.True(s.HasSum);
            Assert.False(s.HasMean);
            Assert.Equal("kWh", s.StatisticsUnitOfMeasurement);
            Assert.Equal("energy", s.UnitClass);
            Assert.Equal("recorder", s.Source);
        });
        Assert.Contains(means, m => m.StatisticId == EntityIds.LoadPower && m.HasMean && !m.HasSum && m.UnitClass == "power");
        Assert.DoesNotContain(means, m => m.HasSum);
        Assert.Equal(sums.Count + means.Count, all.Count);
    }

    [Fact]
    public async Task SendCommandAsync_FiftyConcurrentGetStatesAndPings_AllSucceedSoIdsStrictlyIncreased()
    {
        // The simulated home answers id_reuse to any id not above the last one: every success proves the order.
        await using var home = await IntegrationHome.StartAsync();
        var client = await home.ConnectedSocketAsync();
        var expectedCount = home.Home.States.All().Count;
        using var gate = new ManualResetEventSlim();

        var calls = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            gate.Wait(IntegrationHome.Patience);
            if (i % 2 == 0)
            {
                return (await client.GetStatesAsync(CancellationToken.None)).Count;
            }

            await client.PingAsync(CancellationToken.None);
            return -1;
        })).ToList();
        gate.Set();
        var results = await Task.WhenAll(calls).WaitAsync(IntegrationHome.Patience);

        Assert.Equal(25, results.Count(r => r == expectedCount));
        Assert.Equal(25, results.Count(r => r == -1));
        Assert.True(client.IsConnected);
        await client.PingAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SubscribeEntitiesAsync_CoalescingAlways_ArraysParsedAndNothingLost()
    {
        await using var home = await IntegrationHome.StartAsync(coalescing: MessageCoalescing.Always);
        var client = await home.ConnectedSocketAsync();
        await using var entities = await client.SubscribeEntitiesAsync(null, CancellationToken.None);
        var initialCount = home.Home.States.All().Count;
        var initial = await ReadCountAsync(entities.Reader, initialCount);
        var simChanges = new List<(string EntityId, string State)>();
        using var listening = home.Home.States.Listen(change => simChanges.Add((change.EntityId, change.NewState.State)));

        // Commands and a burst of events at once, so that the home has many messages waiting per frame.
        var commands = Enumerable.Range(0, 20).Select(_ => Task.Run(() => client.GetStatesAsync(CancellationToken.None))).ToList();
        await home.AdvanceAsync(TimeSpan.FromMinutes(10));
        var answers = await Task.WhenAll(commands).WaitAsync(IntegrationHome.Patience);

        Assert.Equal(initialCount, initial.Select(c => c.EntityId).Distinct().Count());
        Assert.All(answers, states => Assert.Equal(initialCount, states.Count));
        var changes = await ReadCountAsync(entities.Reader, simChanges.Count);
        Assert.Equal(simChanges, changes.Select(c => (c.EntityId, c.NewState!.State)));
        var finalStates = await client.GetStatesAsync(CancellationToken.None);
        Assert.Equal(home.Home.States.All().Select(s => (s.EntityId, s.State)), finalStates.Select(s => (s.EntityId, s.State)));
    }

    [Fact]
    public async Task SubscribeStateChangesAsync_SensorUnavailable_MissingValueNeverZero()
    {
        await using var home = await IntegrationHome.StartAsync();
        await home.AdvanceAsync(TimeSpan.FromMinutes(2));
        var client = await home.ConnectedSocketAsync();
        await using var changes = await client.SubscribeStateChangesAsync([EntityIds.LoadEnergy], CancellationToken.None);

        home.Home.Faults.MakeUnavailable(EntityIds.LoadEnergy);
        var unavailable = await IntegrationHome.ReadAsync(changes.Reader);
        var viaRest = await home.Rest().GetStateAsync(EntityIds.LoadEnergy, CancellationToken.None);
        await home.AdvanceAsync(TimeSpan.FromMinutes(3));
        home.Home.Faults.MakeAvailable(EntityIds.LoadEnergy);
        var back = await IntegrationHome.ReadUntilAsync(changes.Reader, c => c.NewState!.State != EntityState.Unavailable);

        Assert.Equal(EntityState.Unavailable, unavailable.NewState!.State);
        Assert.False(unavailable.NewState.HasValue);
        Assert.False(unavailable.NewState.TryGetNumber(out _));
        Assert.Null(unavailable.NewState.Number);
        Assert.Null(unavailable.NewState.GetKilowattHours());
        Assert.True(unavailable.OldState!.GetKilowattHours() > 0);
        Assert.Null(viaRest!.GetKilowattHours());
        Assert.Single(back);
        Assert.Equal(home.Home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value, back[0].NewState!.GetKilowattHours()!.Value, 9);
        Assert.True(back[0].NewState!.GetKilowattHours() > unavailable.OldState.GetKilowattHours());
    }

    [Fact]
    public async Task GetKilowattHours_UnitSwitchedToWh_SameEnergyInKwh()
    {
        await using var home = await IntegrationHome.StartAsync();
        await home.AdvanceAsync(TimeSpan.FromMinutes(5));
        var client = await home.ConnectedSocketAsync();
        await using var changes = await client.SubscribeStateChangesAsync([EntityIds.PvEnergy], CancellationToken.None);
        var beforeKwh = (await client.GetStatesAsync(CancellationToken.None)).Single(s => s.EntityId == EntityIds.PvEnergy).GetKilowattHours()!.Value;

        home.Home.Faults.SetEnergyUnit(EntityIds.PvEnergy, "Wh");
        var switched = await IntegrationHome.ReadAsync(changes.Reader);
        await home.AdvanceAsync(TimeSpan.FromMinutes(10));
        var later = (await client.GetStatesAsync(CancellationToken.None)).Single(s => s.EntityId == EntityIds.PvEnergy);

        Assert.Equal("Wh", switched.NewState!.UnitOfMeasurement);
        Assert.Equal("kWh", switched.OldState!.UnitOfMeasurement);
        Assert.True(switched.NewState.Number > 1000 * (beforeKwh - 0.001), "the state itself is in Wh");
        // Wh are published as whole numbers: the kWh agree to the Wh.
        Assert.Equal(beforeKwh, switched.NewState.GetKilowattHours()!.Value, 0.0006);
        Assert.Equal("Wh", later.UnitOfMeasurement);
        Assert.Equal(home.Home.States.Get(EntityIds.PvEnergy)!.NumericState!.Value / 1000, later.GetKilowattHours()!.Value, 9);
        Assert.True(later.GetKilowattHours() > beforeKwh, "the sun is up at noon: PV energy grows");
    }

    [Fact]
    public async Task SubscribeStateChangesAsync_CounterReset_DropSeenAndStatisticsKeepCounting()
    {
        var start = new DateTimeOffset(2026, 1, 12, 10, 0, 0, TimeSpan.Zero);
        await using var home = await IntegrationHome.StartAsync(start);
        var atStart = home.Home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;
        await home.AdvanceAsync(TimeSpan.FromMinutes(30));
        var client = await home.ConnectedSocketAsync();
        await using var changes = await client.SubscribeStateChangesAsync([EntityIds.LoadEnergy], CancellationToken.None);

        home.Home.Faults.ResetCounter(EntityIds.LoadEnergy);
        var reset = await IntegrationHome.ReadAsync(changes.Reader);
        await home.AdvanceAsync(TimeSpan.FromMinutes(31));
        var statistics = await client.GetStatisticsDuringPeriodAsync(
            new StatisticsRequest([EntityIds.LoadEnergy], start, start.AddHours(1), StatisticsPeriod.Hour, StatisticTypes.Change | StatisticTypes.Sum | StatisticTypes.State),
            CancellationToken.None);

        Assert.True(reset.OldState!.GetKilowattHours() > 0);
        Assert.Equal(0, reset.NewState!.GetKilowattHours());
        var hour = Assert.Single(statistics[EntityIds.LoadEnergy]);
        var recorded = Assert.Single(home.Home.Recorder.Statistics(EntityIds.LoadEnergy, SimStatistics.Hour, start, start.AddHours(1)).Rows);
        Assert.Equal(recorded.Sum!.Value, hour.Sum!.Value, 9);
        // The hour's energy is what was counted before the reset plus what was counted after it, never negative.
        Assert.Equal(recorded.State!.Value, hour.State!.Value, 9);
        Assert.Equal(reset.OldState.GetKilowattHours()!.Value - atStart + hour.State!.Value, hour.Change!.Value, 9);
        Assert.True(hour.Change > 0);
    }

    private static void AssertActionable(HomeAssistantAuthenticationException error, string token)
    {
        Assert.Contains("long-lived access token", error.Message, StringComparison.Ordinal);
        Assert.Contains("home_assistant.token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertStoppedForAuthAsync(HomeAssistant.WebSockets.HomeAssistantWebSocketClient client)
    {
        var changes = new List<ConnectionChange>();
        using var limit = new CancellationTokenSource(IntegrationHome.Patience);
        await foreach (var change in client.ConnectionChanges.ReadAllAsync(limit.Token))
        {
            changes.Add(change);
        }

        Assert.Equal(DisconnectReason.AuthInvalid, changes[0].Reason);
        Assert.Equal(ConnectionStatus.Stopped, changes[^1].Status);
        Assert.DoesNotContain(changes, c => c.Status == ConnectionStatus.Connected);
        Assert.Equal(2, changes.Count);
        await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => client.GetStatesAsync(CancellationToken.None));
    }

    internal static async Task<List<T>> ReadCountAsync<T>(System.Threading.Channels.ChannelReader<T> reader, int count)
    {
        var items = new List<T>(count);
        using var limit = new CancellationTokenSource(IntegrationHome.Patience);
        while (items.Count < count)
        {
            items.Add(await reader.ReadAsync(limit.Token));
        }

        return items;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
