namespace Darkstar.Storage;

/// <summary>The database was written by a newer Darkstar: this code does not know its schema and must not touch it.</summary>
public sealed class SchemaVersionTooNewException : InvalidOperationException
{
    public SchemaVersionTooNewException()
    {
    }

    public SchemaVersionTooNewException(string message)
        : base(message)
    {
    }

    public SchemaVersionTooNewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SchemaVersionTooNewException(string databasePath, int databaseVersion, int knownVersion)
        : base($"The database {databasePath} has schema version {databaseVersion}, but this Darkstar knows only up to " +
               $"version {knownVersion}. Run the newer Darkstar that wrote it, or restore a backup; nothing was changed.")
    {
        DatabaseVersion = databaseVersion;
        KnownVersion = knownVersion;
    }

    public int DatabaseVersion { get; }

    public int KnownVersion { get; }
}
