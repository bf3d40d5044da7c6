using Darkstar.HomeAssistant.Protocol;

namespace Darkstar.HomeAssistant.Tests;

public class CompressedStateMergerTests
{
    // 2026-01-01T00:00:00Z and later instants, in epoch seconds as subscribe_entities writes them.
    private const double T0 = 1767225600;

    private static CompressedStateMerger WithInitialStates()
    {
        var merger = new CompressedStateMerger();
        merger.Apply(TestSupport.Parse("""
            {"a":{
              "sensor.power":{"s":"1200","a":{"unit_of_measurement":"W","device_class":"power","friendly_name":"Power"},"c":"01ABC","lc":1767225600},
              "sensor.soc":{"s":"55","a":{"unit_of_measurement":"%"},"c":{"id":"01DEF","user_id":"u"},"lc":1767225600,"lu":1767225630.5}
            }}
            """));
        return merger;
    }

    [Fact]
    public void Apply_Additions_EmitsFullStatesWithoutOldState()
    {
        var merger = new CompressedStateMerger();

        var changes = merger.Apply(TestSupport.Parse("""{"a":{"sensor.power":{"s":"1200","a":{"unit_of_measurement":"W"},"c":"01ABC","lc":1767225600}}}"""));

        var change = Assert.Single(changes);
        Assert.Null(change.OldState);
        Assert.Equal("1200", change.NewState!.State);
        Assert.Equal(1.2, change.NewState.GetKilowatts());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)T0), change.NewState.LastChanged);
        Assert.Equal(change.NewState.LastChanged, change.NewState.LastUpdated);
        Assert.False(change.IsSynthetic);
    }

    [Fact]
    public void Apply_AdditionWithLastUpdated_KeepsBothInstants()
    {
        var soc = WithInitialStates().States["sensor.soc"];

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)T0), soc.LastChanged);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds((long)(T0 * 1000) + 30500), soc.LastUpdated);
    }

    [Fact]
    public void Apply_DiffWithNewState_MergesStateAttributesAndLastChanged()
    {
        var merger = WithInitialStates();

        var changes = merger.Apply(TestSupport.Parse("""
            {"c":{"sensor.power":{"+":{"s":"900","a":{"friendly_name":"House power"},"c":"01XYZ","lc":1767225660}}}}
            """));

        var change = Assert.Single(changes);
        Assert.Equal("1200", change.OldState!.State);
        var merged = change.NewState!;
        Assert.Equal("900", merged.State);
        Assert.Equal("W", merged.UnitOfMeasurement);
        Assert.Equal("House power", merged.FriendlyName);
        Assert.Equal("power", merged.DeviceClass);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)T0 + 60), merged.LastChanged);
        Assert.Equal(merged.LastChanged, merged.LastUpdated);
        Assert.Same(merged, merger.States["sensor.power"]);
    }

    [Fact]
    public void Apply_DiffWithOnlyLastUpdated_KeepsLastChanged()
    {
        var merger = WithInitialStates();

        var change = Assert.Single(merger.Apply(TestSupport.Parse("""{"c":{"sensor.power":{"+":{"a":{"icon":"mdi:flash"},"lu":1767225690}}}}""")));

        Assert.Equal("1200", change.NewState!.State);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)T0), change.NewState.LastChanged);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)T0 + 90), change.NewState.LastUpdated);
        Assert.Equal("mdi:flash", change.NewState.GetStringAttribute("icon"));
    }

    [Fact]
    public void Apply_DiffRemovingAttributes_DropsThoseKeys()
    {
        var merger = WithInitialStates();

        var change = Assert.Single(merger.Apply(TestSupport.Parse("""{"c":{"sensor.power":{"-":{"a":["friendly_name","device_class"]}}}}""")));

        Assert.Null(change.NewState!.FriendlyName);
        Assert.Null(change.NewState.DeviceClass);
        Assert.Equal("W", change.NewState.UnitOfMeasurement);
        Assert.Equal("Power", change.OldState!.FriendlyName);
    }

    [Fact]
    public void Apply_Removal_EmitsChangeWithoutNewState()
    {
        var merger = WithInitialStates();

        var change = Assert.Single(merger.Apply(TestSupport.Parse("""{"r":["sensor.soc","sensor.never_seen"]}""")));

        Assert.Equal("sensor.soc", change.EntityId);
        Assert.Null(change.NewState);
        Assert.False(merger.States.ContainsKey("sensor.soc"));
    }

    [Fact]
    public void Apply_DiffForUnknownEntity_IsIgnored()
    {
        var merger = WithInitialStates();

        Assert.Empty(merger.Apply(TestSupport.Parse("""{"c":{"sensor.other":{"+":{"s":"1"}}}}""")));
    }

    [Fact]
    public void Apply_SnapshotAfterResubscribe_EmitsOnlyDifferencesAndRemovals()
    {
        var merger = WithInitialStates();
        merger.BeginSnapshot();

        var changes = merger.Apply(TestSupport.Parse("""
            {"a":{
              "sensor.power":{"s":"1200","a":{"unit_of_measurement":"W"},"c":"01ABC","lc":1767225600},
              "sensor.new":{"s":"on","a":{},"c":"01NEW","lc":1767225605}
            }}
            """));

        Assert.Equal(["sensor.new", "sensor.soc"], changes.Select(c => c.EntityId).Order(StringComparer.Ordinal));
        Assert.All(changes, c => Assert.True(c.IsSynthetic));
        Assert.Null(changes.Single(c => c.EntityId == "sensor.soc").NewState);
        Assert.Equal(["sensor.new", "sensor.power"], merger.States.Keys.Order(StringComparer.Ordinal));
    }
}
