using System.Runtime.InteropServices;

namespace Darkstar.Mqtt.Native;

/// <summary>
/// Owns one <c>struct mosquitto *</c>; releasing it calls <c>mosquitto_destroy</c>. The owner stops the
/// network thread (<c>mosquitto_loop_stop</c>) before disposing, so no callback runs during or after the release.
/// </summary>
internal sealed class MosquittoHandle : SafeHandle
{
    public MosquittoHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        MosquittoNative.Destroy(handle);
        return true;
    }
}
