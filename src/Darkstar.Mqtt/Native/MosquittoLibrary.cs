using System.Reflection;
using System.Runtime.InteropServices;

namespace Darkstar.Mqtt.Native;

/// <summary>
/// Loads libmosquitto by its versioned file name (the unversioned <c>libmosquitto.so</c> only exists with the
/// -dev package) through the assembly's one DllImport resolver, and initialises the library once per process.
/// </summary>
internal static class MosquittoLibrary
{
    public const string VersionedFileName = "libmosquitto.so.1";

    private static readonly Lazy<string> Initialised = new(Initialise, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The library's version (e.g. 2.0.11). Throws <see cref="MqttNativeLibraryException"/> when it cannot be loaded.</summary>
    public static string EnsureInitialised() => Initialised.Value;

    public static string ErrorText(int errorCode) =>
        Marshal.PtrToStringUTF8(MosquittoNative.StrError(errorCode)) ?? $"error {errorCode}";

    public static string ConnackText(int connackCode) =>
        Marshal.PtrToStringUTF8(MosquittoNative.ConnackString(connackCode)) ?? $"connack {connackCode}";

    private static string Initialise()
    {
        NativeLibrary.SetDllImportResolver(typeof(MosquittoLibrary).Assembly, Resolve);
        try
        {
            var rc = MosquittoNative.LibInit();
            if (rc != MosquittoNative.Success)
            {
                throw new MqttNativeLibraryException($"mosquitto_lib_init failed: {ErrorText(rc)}.");
            }

            MosquittoNative.LibVersion(out var major, out var minor, out var revision);
            if (major != 2)
            {
                throw new MqttNativeLibraryException($"{VersionedFileName} is version {major}.{minor}.{revision}; Darkstar needs libmosquitto 2.x.");
            }

            return FormattableString.Invariant($"{major}.{minor}.{revision}");
        }
        catch (DllNotFoundException e)
        {
            throw new MqttNativeLibraryException(
                $"{VersionedFileName} could not be loaded ({e.Message}); install the Debian package libmosquitto1.", e);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == MosquittoNative.LibraryName
            ? NativeLibrary.Load(VersionedFileName, assembly, searchPath)
            : IntPtr.Zero;
}
