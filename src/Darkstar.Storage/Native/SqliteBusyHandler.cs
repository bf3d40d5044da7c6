using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Darkstar.Storage.Native;

/// <summary>
/// A busy handler for SQLite connections that waits milliseconds, not seconds. SQLite's own handler (what
/// <c>busy_timeout</c> sets) waits 1, 2, 5 … 100 ms between attempts only where SQLite was built with <c>usleep</c>; the
/// bundled e_sqlite3 was not, and waits a whole second per attempt, so two loops writing at once stalled one of them
/// (and every loop behind it) for a second. SQLitePCLRaw 2.0 has no binding of <c>sqlite3_busy_handler</c>: this is it,
/// against the same e_sqlite3 library the provider loaded.
/// </summary>
internal static unsafe partial class SqliteBusyHandler
{
    /// <summary>The waits between attempts (ms), the last one repeated: SQLite's own with <c>usleep</c>.</summary>
    private static readonly int[] DelaysMs = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

    /// <summary>Sets the handler on an open connection; it gives up (SQLITE_BUSY) after <paramref name="timeoutMs"/> of waiting.</summary>
    public static void Install(SqliteConnection connection, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = sqlite3_busy_handler(handle.DangerousGetHandle(), &WaitWhileBusy, timeoutMs);
        if (rc != 0)
        {
            throw new InvalidOperationException($"sqlite3_busy_handler failed with code {rc}.");
        }
    }

    /// <summary>How long the handler waits before attempt <paramref name="count"/> + 2, or -1 once <paramref name="timeoutMs"/> is used up.</summary>
    internal static int DelayBefore(int count, int timeoutMs)
    {
        var waited = 0;
        for (var i = 0; i < count; i++)
        {
            waited += DelaysMs[Math.Min(i, DelaysMs.Length - 1)];
        }

        return waited >= timeoutMs ? -1 : DelaysMs[Math.Min(count, DelaysMs.Length - 1)];
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int WaitWhileBusy(nint timeoutMs, int count)
    {
        var delay = DelayBefore(count, (int)timeoutMs);
        if (delay < 0)
        {
            return 0;
        }

        // Inside SQLite's synchronous step there is nothing to await: the thread waits milliseconds of real time for
        // another connection's write to end, which has nothing to do with the home's clock.
#pragma warning disable RS0030
        Thread.Sleep(delay);
#pragma warning restore RS0030
        return 1;
    }

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_busy_handler(nint db, delegate* unmanaged[Cdecl]<nint, int, int> callback, nint argument);
}
