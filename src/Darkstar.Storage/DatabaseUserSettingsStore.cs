using Darkstar.Core.Controls;
using Darkstar.Storage.Repositories;

namespace Darkstar.Storage;

/// <summary>Keeps what users set through Darkstar's controls in the database's <c>user_settings</c> table.</summary>
public sealed class DatabaseUserSettingsStore(UserSettingRepository repository, TimeProvider clock) : IUserSettingsStore
{
    public async Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ReadAllAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }

    public Task SaveAsync(string controlId, string value, CancellationToken cancellationToken) =>
        repository.UpsertAsync(controlId, value, clock.GetUtcNow(), cancellationToken);
}
