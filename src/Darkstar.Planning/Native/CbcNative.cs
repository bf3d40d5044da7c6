using System.Reflection;
using System.Runtime.InteropServices;

namespace Darkstar.Planning.Native;

/// <summary>
/// The COIN-OR CBC 2.10 C API (Cbc_C_Interface.h), as much of it as the planner uses. Debian ships the
/// library only under its versioned name (no development symlink), so a resolver loads it by that name.
/// Callers go through <see cref="CbcSolver"/>, which owns the model handle and serialises solves.
/// </summary>
internal static partial class CbcNative
{
    /// <summary>The name the imports use; the resolver maps it to the versioned file.</summary>
    private const string LibraryName = "CbcSolver";

    /// <summary>The versioned file name of CBC 2.10's C library (Debian <c>coinor-libcbc3</c>).</summary>
    public const string VersionedFileName = "libCbcSolver.so.3";

    static CbcNative()
    {
        // One resolver per assembly; this type's static constructor is the one place that sets it.
        NativeLibrary.SetDllImportResolver(typeof(CbcNative).Assembly, Resolve);
    }

    /// <summary>Forces the static constructor (and so the resolver) to run before the first native call.</summary>
    public static void EnsureResolver()
    {
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(VersionedFileName, assembly, searchPath, out var handle))
        {
            return handle;
        }

        throw new DllNotFoundException(
            $"The MILP solver library {VersionedFileName} (COIN-OR CBC 2.10) could not be loaded: install the Debian package coinor-libcbc3 (listed in eng/packages.txt).");
    }

    /// <summary>The library's version text, e.g. <c>2.10.8</c>: a static string of the library's, never freed.</summary>
    [LibraryImport(LibraryName)]
    public static partial IntPtr Cbc_getVersion();

    [LibraryImport(LibraryName)]
    public static partial IntPtr Cbc_newModel();

    [LibraryImport(LibraryName)]
    public static partial void Cbc_deleteModel(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial void Cbc_loadProblem(
        IntPtr model, int numberColumns, int numberRows,
        int[] columnStarts, int[] rowIndices, double[] values,
        double[] columnLower, double[] columnUpper, double[] objective,
        double[] rowLower, double[] rowUpper);

    [LibraryImport(LibraryName)]
    public static partial void Cbc_setInteger(IntPtr model, int column);

    [LibraryImport(LibraryName)]
    public static partial void Cbc_setObjSense(IntPtr model, double sense);

    [LibraryImport(LibraryName)]
    public static partial void Cbc_setLogLevel(IntPtr model, int level);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Cbc_setParameter(IntPtr model, string name, string value);

    [LibraryImport(LibraryName)]
    public static partial void Cbc_setMaximumSeconds(IntPtr model, double seconds);

    [LibraryImport(LibraryName)]
    public static partial void Cbc_setAllowableFractionGap(IntPtr model, double gap);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_solve(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_getNumCols(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial IntPtr Cbc_getColSolution(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial double Cbc_getObjValue(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial double Cbc_getBestPossibleObjValue(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_isProvenOptimal(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_isProvenInfeasible(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_isContinuousUnbounded(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_isSecondsLimitReached(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_isAbandoned(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_status(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_secondaryStatus(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial int Cbc_getNumIntegers(IntPtr model);

    [LibraryImport(LibraryName)]
    public static partial IntPtr Cbc_bestSolution(IntPtr model);
}
