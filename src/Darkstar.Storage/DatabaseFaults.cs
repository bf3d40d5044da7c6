using Microsoft.Data.Sqlite;

namespace Darkstar.Storage;

/// <summary>What a failed SQLite call means for a user, and whether waiting can cure it.</summary>
public enum DatabaseFaultKind
{
    /// <summary>Not an SQLite error this class names.</summary>
    Other,

    /// <summary>Another connection or program holds the write lock beyond the busy timeout: passes by itself.</summary>
    Locked,

    /// <summary>No space left on the disk (or the file's size limit): passes when space returns.</summary>
    DiskFull,

    /// <summary>The file or its folder cannot be written.</summary>
    ReadOnly,

    /// <summary>The file cannot be opened (missing folder, no permission).</summary>
    CannotOpen,

    /// <summary>The file is damaged or not a database: only a restore or a fresh file cures it.</summary>
    Corrupt,
}

/// <summary>
/// Names SQLite's failures in words a user can act on: "disk full" rather than the rollback error that followed it,
/// "read-only" rather than "unable to open". One place, for the start-up check, the commands and the running service.
/// </summary>
public static class DatabaseFaults
{
    // SQLite's primary result codes (the low byte of an extended code).
    private const int SqlitePerm = 3;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteAuth = 23;
    private const int SqliteNotADb = 26;

    public static DatabaseFaultKind Classify(Exception error) => error switch
    {
        DatabaseCorruptException => DatabaseFaultKind.Corrupt,
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            SqliteBusy or SqliteLocked => DatabaseFaultKind.Locked,
            SqliteFull => DatabaseFaultKind.DiskFull,
            SqliteReadOnly => DatabaseFaultKind.ReadOnly,
            SqliteCantOpen or SqlitePerm or SqliteAuth => DatabaseFaultKind.CannotOpen,
            SqliteCorrupt or SqliteNotADb => DatabaseFaultKind.Corrupt,
            // SQLITE_IOERR_WRITE on a full disk may come as an I/O error on some file systems.
            SqliteIoErr when sqlite.Message.Contains("disk", StringComparison.OrdinalIgnoreCase) => DatabaseFaultKind.DiskFull,
            _ => DatabaseFaultKind.Other,
        },
        UnauthorizedAccessException => DatabaseFaultKind.CannotOpen,
        _ => DatabaseFaultKind.Other,
    };

    /// <summary>True for the faults that pass by themselves: a lock another program holds, a full disk.</summary>
    public static bool IsTransient(Exception error) => Classify(error) is DatabaseFaultKind.Locked or DatabaseFaultKind.DiskFull;

    /// <summary>True for a database error of any kind (the service contains them; other exceptions are bugs to see).</summary>
    public static bool IsDatabaseError(Exception error) => error is SqliteException or DatabaseCorruptException;

    /// <summary>One line: what happened to the database at <paramref name="path"/> (or "the database") and what to do.</summary>
    public static string Describe(Exception error, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        path ??= "the database";
        return Classify(error) switch
        {
            DatabaseFaultKind.Locked =>
                $"database is locked: another program holds {path} (a backup, an SQLite browser) longer than Darkstar waits; it tries again",
            DatabaseFaultKind.DiskFull =>
                $"disk full: no space left to write {path}; free some space on its disk, and Darkstar writes what it holds when it can",
            DatabaseFaultKind.ReadOnly =>
                $"read-only: {path} cannot be written; give Darkstar's user write access to the file and its folder, or move it to a disk that is not mounted read-only",
            DatabaseFaultKind.CannotOpen =>
                $"cannot open the database {path}: check that its folder exists and that Darkstar's user may read and write the file and the folder ({error.Message})",
            DatabaseFaultKind.Corrupt when error is DatabaseCorruptException => error.Message,
            DatabaseFaultKind.Corrupt => DatabaseCorruptException.Advice(path, error.Message),
            _ => $"database {path}: {error.Message}",
        };
    }
}

/// <summary>The database file is damaged: SQLite's integrity check found problems, or the file is not a database.</summary>
public sealed class DatabaseCorruptException : InvalidOperationException
{
    public DatabaseCorruptException()
    {
    }

    public DatabaseCorruptException(string message)
        : base(message)
    {
    }

    public DatabaseCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DatabaseCorruptException(string path, string problem, Exception? innerException)
        : base(Advice(path, problem), innerException)
    {
    }

    /// <summary>What the file's damage is and the two ways out.</summary>
    public static string Advice(string path, string problem) =>
        $"The database {path} is damaged ({problem}). Restore it from a Home Assistant backup, or move the file aside " +
        "(Darkstar then starts a new one and reads the home's past again from Home Assistant's statistics).";
}
