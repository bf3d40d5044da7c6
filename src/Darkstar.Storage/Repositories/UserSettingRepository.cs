using Darkstar.Core.Time;

namespace Darkstar.Storage.Repositories;

/// <summary>One value a user set through Darkstar's own controls, and when.</summary>
public sealed record UserSetting(string Key, string Value, DateTimeOffset UpdatedAt);

/// <summary>The values users set through Darkstar's MQTT controls (<c>user_settings</c>), keyed by the control's id.</summary>
public sealed class UserSettingRepository(DarkstarDatabase database) : RepositoryBase(database)
{
    private static readonly string UpsertSql = SqlText.Upsert(Schema.UserSettings, ["key"], ["value", "updated_at"]);

    public async Task<IReadOnlyList<UserSetting>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<Row>($"SELECT key, value, updated_at FROM {Schema.UserSettings} ORDER BY key;", null, cancellationToken);
        return rows.Select(r => new UserSetting(r.Key, r.Value, InstantText.ParseExact(r.UpdatedAt))).ToList();
    }

    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    public Task<string?> ReadAsync(string key, CancellationToken cancellationToken) =>
        QuerySingleOrDefaultAsync<string?>($"SELECT value FROM {Schema.UserSettings} WHERE key = @Key;", new { Key = key }, cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> unless a value is there already (which stays).</summary>
    public Task<int> InsertIfMissingAsync(string key, string value, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"INSERT INTO {Schema.UserSettings} (key, value, updated_at) VALUES (@Key, @Value, @UpdatedAt) ON CONFLICT (key) DO NOTHING;",
            new { Key = key, Value = value, UpdatedAt = InstantText.Format(updatedAt) },
            cancellationToken);

    public Task<int> UpsertAsync(string key, string value, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return ExecuteAsync(UpsertSql, new { Key = key, Value = value, UpdatedAt = InstantText.Format(updatedAt) }, cancellationToken);
    }

    // Dapper fills this by column name; updated_at stays text so it is parsed in the one stored form.
    private sealed class Row
    {
        public string Key { get; set; } = string.Empty;

        public string Value { get; set; } = string.Empty;

        public string UpdatedAt { get; set; } = string.Empty;
    }
}
