using System.Runtime.InteropServices;

namespace Darkstar.Forecasting.Native;

/// <summary>
/// glibc gives every thread that meets another in <c>malloc</c> an arena of its own (up to eight per core), and what
/// is freed in one arena is not reused by another: SQLite, XGBoost and CBC allocating from the thread pool's threads
/// spread over many arenas, and the resident memory of a long-running service creeps up. Two arenas keep it flat
/// (measured: about 30 MB less after a simulated day). A <c>MALLOC_ARENA_MAX</c> set in the environment wins; on musl
/// (Alpine) there is no such knob and nothing happens. It lives beside the XGBoost binding, whose training leaves the
/// most freed memory behind.
/// </summary>
public static partial class MallocArenas
{
    /// <summary>glibc's <c>M_ARENA_MAX</c>.</summary>
    private const int ArenaMaxParameter = -8;

    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c> and <c>M_MMAP_THRESHOLD</c>.</summary>
    private const int TrimThresholdParameter = -1;

    private const int MmapThresholdParameter = -3;

    /// <summary>
    /// Blocks from this size are mapped on their own and given back when freed. Fixed, because glibc otherwise raises the
    /// threshold after the first large block freed (up to 32 MB), and then XGBoost's and CBC's buffers of every later
    /// round come from the heap, whose top is given back only past twice that.
    /// </summary>
    private const int MmapThresholdBytes = 256 * 1024;

    private const int TrimThresholdBytes = 1024 * 1024;

    /// <summary>
    /// At most <paramref name="arenas"/> arenas and a fixed threshold for mapping large blocks on their own; a value set
    /// in the environment (<c>MALLOC_ARENA_MAX</c>, <c>MALLOC_MMAP_THRESHOLD_</c>) wins.
    /// </summary>
    public static void Limit(int arenas)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null)
            {
                _ = Mallopt(ArenaMaxParameter, arenas);
            }

            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null)
            {
                _ = Mallopt(MmapThresholdParameter, MmapThresholdBytes);
                _ = Mallopt(TrimThresholdParameter, TrimThresholdBytes);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator has no arenas to limit.
        }
    }

    /// <summary>
    /// Hands the heap pages freed since (a training's matrices and XGBoost's buffers) back to the system: glibc keeps
    /// them for reuse otherwise, and a training of a few seconds would leave the service tens of MB larger for good.
    /// </summary>
    public static void ReleaseFreed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to trim.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
