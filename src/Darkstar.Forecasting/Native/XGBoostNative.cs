using System.Reflection;
using System.Runtime.InteropServices;

namespace Darkstar.Forecasting.Native;

/// <summary>
/// The XGBoost C API (1.6/1.7, <c>libxgboost.so.0</c>). Every function but <see cref="XGBoostVersion"/> and
/// <see cref="XGBGetLastError"/> returns 0 on success and -1 on failure; <see cref="XGBoostCall.Check"/> turns a
/// failure into an exception with the library's message.
/// </summary>
internal static partial class XGBoostNative
{
    public const string LibraryName = "xgboost";

    /// <summary>The versioned file name the Debian package <c>libxgboost0</c> installs; there is no unversioned link without -dev.</summary>
    public const string VersionedFileName = "libxgboost.so.0";

    static XGBoostNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(XGBoostNative).Assembly, Resolve);
    }

    /// <summary>Runs the static constructor, which installs the one resolver of this assembly.</summary>
    public static void EnsureResolver()
    {
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(VersionedFileName, assembly, searchPath, out var handle) ||
            NativeLibrary.TryLoad("libxgboost.so", assembly, searchPath, out handle))
        {
            return handle;
        }

        throw new DllNotFoundException(
            $"XGBoost ({VersionedFileName}) was not found; install the Debian package libxgboost0 (eng/packages.txt lists it).");
    }

    [LibraryImport(LibraryName)]
    public static partial void XGBoostVersion(out int major, out int minor, out int patch);

    [LibraryImport(LibraryName)]
    public static partial IntPtr XGBGetLastError();

    [LibraryImport(LibraryName)]
    public static unsafe partial int XGDMatrixCreateFromMat(float* data, ulong rows, ulong columns, float missing, out IntPtr handle);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int XGDMatrixSetFloatInfo(IntPtr handle, string field, float* values, ulong length);

    [LibraryImport(LibraryName)]
    public static partial int XGDMatrixFree(IntPtr handle);

    [LibraryImport(LibraryName)]
    public static unsafe partial int XGBoosterCreate(IntPtr* matrices, ulong length, out IntPtr handle);

    [LibraryImport(LibraryName)]
    public static partial int XGBoosterFree(IntPtr handle);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterSetParam(IntPtr handle, string name, string value);

    [LibraryImport(LibraryName)]
    public static partial int XGBoosterUpdateOneIter(IntPtr handle, int iteration, IntPtr train);

    /// <summary>One round from a caller's gradient and hessian (a custom objective), one value per row.</summary>
    [LibraryImport(LibraryName)]
    public static unsafe partial int XGBoosterBoostOneIter(IntPtr handle, IntPtr train, float* gradient, float* hessian, ulong length);

    [LibraryImport(LibraryName)]
    public static unsafe partial int XGBoosterEvalOneIter(
        IntPtr handle, int iteration, IntPtr* matrices, IntPtr* names, ulong length, out IntPtr result);

    /// <summary>Predicts with a JSON configuration: type, training, iteration_begin, iteration_end, strict_shape.</summary>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterPredictFromDMatrix(
        IntPtr handle, IntPtr matrix, string configuration, out IntPtr shape, out ulong dimension, out IntPtr result);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterSaveModel(IntPtr handle, string fileName);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterLoadModel(IntPtr handle, string fileName);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterSaveModelToBuffer(IntPtr handle, string configuration, out ulong length, out IntPtr buffer);

    [LibraryImport(LibraryName)]
    public static unsafe partial int XGBoosterLoadModelFromBuffer(IntPtr handle, byte* buffer, ulong length);

    [LibraryImport(LibraryName)]
    public static partial int XGBoosterBoostedRounds(IntPtr handle, out int rounds);

    /// <summary>A new booster with the layers [begin, end) of another: what early stopping keeps.</summary>
    [LibraryImport(LibraryName)]
    public static partial int XGBoosterSlice(IntPtr handle, int beginLayer, int endLayer, int step, out IntPtr sliced);
}

/// <summary>A failure reported by XGBoost, with its own message.</summary>
public sealed class XGBoostException : Exception
{
    public XGBoostException()
    {
    }

    public XGBoostException(string message)
        : base(message)
    {
    }

    public XGBoostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal static class XGBoostCall
{
    /// <summary>Throws <see cref="XGBoostException"/> with XGBGetLastError's text when <paramref name="code"/> is not 0.</summary>
    public static void Check(int code, string what)
    {
        if (code == 0)
        {
            return;
        }

        var message = Marshal.PtrToStringUTF8(XGBoostNative.XGBGetLastError()) ?? "no message";
        throw new XGBoostException($"XGBoost {what} failed: {message.Trim()}");
    }
}

/// <summary>Owns a DMatrix handle; freed once, also when a finaliser runs.</summary>
internal sealed class DMatrixHandle : SafeHandle
{
    public DMatrixHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static DMatrixHandle FromOwned(IntPtr raw)
    {
        var owned = new DMatrixHandle();
        owned.SetHandle(raw);
        return owned;
    }

    protected override bool ReleaseHandle() => XGBoostNative.XGDMatrixFree(handle) == 0;
}

/// <summary>Owns a Booster handle; freed once, also when a finaliser runs.</summary>
internal sealed class BoosterHandle : SafeHandle
{
    public BoosterHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static BoosterHandle FromOwned(IntPtr raw)
    {
        var owned = new BoosterHandle();
        owned.SetHandle(raw);
        return owned;
    }

    protected override bool ReleaseHandle() => XGBoostNative.XGBoosterFree(handle) == 0;
}
