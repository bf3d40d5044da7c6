using Dapper;

namespace Darkstar.Storage.Tests;

public sealed class TypeHandlerTests
{
    [Fact]
    public async Task Handler_NonUtcOffsets_RoundTripToTheSameInstantInUtc()
    {
        using var test = TestDatabase.CreateEmpty();
        await using var connection = await test.Database.OpenAsync(CancellationToken.None);
        var instants = new[]
        {
            new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)),
            new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(1)),
            new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(-9.5)),
            new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero),
        };

        foreach (var instant in instants)
        {
            var text = await connection.ExecuteScalarAsync<string>("SELECT @Instant;", new { Instant = instant });
            var back = (await connection.QueryAsync<Holder>("SELECT @Instant AS value, @Missing AS maybe;", new { Instant = instant, Missing = (DateTimeOffset?)null })).Single();

            Assert.EndsWith("Z", text, StringComparison.Ordinal);
            Assert.Equal(instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), text);
            Assert.Equal(instant, back.Value);
            Assert.Equal(TimeSpan.Zero, back.Value.Offset);
            Assert.Null(back.Maybe);
        }
    }

    [Fact]
    public async Task Handler_NullableInstantWithValue_IsWrittenAsText()
    {
        using var test = TestDatabase.CreateEmpty();
        await using var connection = await test.Database.OpenAsync(CancellationToken.None);
        DateTimeOffset? instant = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(1));

        var text = await connection.ExecuteScalarAsync<string>("SELECT @Instant;", new { Instant = instant });

        Assert.Equal("2026-01-31T23:00:00Z", text);
    }

    [Fact]
    public async Task DayHandler_DateOnly_RoundTripsAsIsoText()
    {
        using var test = TestDatabase.CreateEmpty();
        await using var connection = await test.Database.OpenAsync(CancellationToken.None);
        var day = new DateOnly(2026, 10, 25);

        var text = await connection.ExecuteScalarAsync<string>("SELECT @Day;", new { Day = day });
        var back = (await connection.QueryAsync<DayHolder>("SELECT @Day AS day;", new { Day = day })).Single();

        Assert.Equal("2026-10-25", text);
        Assert.Equal(day, back.Day);
    }

    [Fact]
    public void EnsureInitialised_CalledAgain_IsHarmless()
    {
        StorageRuntime.EnsureInitialised();
        StorageRuntime.EnsureInitialised();

        Assert.True(SqlMapper.HasTypeHandler(typeof(DateTimeOffset)));
        Assert.True(SqlMapper.HasTypeHandler(typeof(DateOnly)));
    }

    private sealed class Holder
    {
        public DateTimeOffset Value { get; set; }

        public DateTimeOffset? Maybe { get; set; }
    }

    private sealed class DayHolder
    {
        public DateOnly Day { get; set; }
    }
}
