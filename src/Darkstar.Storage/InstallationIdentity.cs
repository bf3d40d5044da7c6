using Darkstar.Storage.Repositories;

namespace Darkstar.Storage;

/// <summary>
/// The installation's own id: made at random once and kept in the database (<c>user_settings</c>, key
/// <see cref="Key"/>), so that it stays the same across restarts, follows the database through a backup and a restore,
/// and differs between two installations (the MQTT client id is made from it).
/// </summary>
public sealed class InstallationIdentity(UserSettingRepository settings, TimeProvider clock)
{
    public const string Key = "installation_id";

    /// <summary>The stored id, made and stored first when there is none.</summary>
    public async Task<string> ReadOrCreateAsync(CancellationToken cancellationToken)
    {
        // Insert-if-missing then read: two processes starting on one database agree on the first one stored.
        await settings.InsertIfMissingAsync(Key, Guid.NewGuid().ToString("N")[..12], clock.GetUtcNow(), cancellationToken);
        return await settings.ReadAsync(Key, cancellationToken) ?? throw new InvalidOperationException("The installation id was stored but cannot be read back.");
    }
}
