using System.Diagnostics;
using System.Globalization;

namespace Darkstar.Service;

/// <summary>
/// A temporary folder that names the process owning it (a file <c>owner.pid</c> inside), so that a later run can remove the
/// folders of runs that were killed before they could remove their own (<see cref="RemoveStale"/>).
/// </summary>
public static class OwnedTemporaryFolder
{
    private const string OwnerFile = "owner.pid";

    /// <summary>A new folder below the temporary folder, named <paramref name="prefix"/> and a random part, owned by this process.</summary>
    public static DirectoryInfo Create(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix);
        File.WriteAllText(Path.Combine(folder.FullName, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return folder;
    }

    /// <summary>Removes the folders of <paramref name="prefix"/> whose owner no longer runs; returns how many.</summary>
    public static int RemoveStale(string prefix)
    {
        var removed = 0;
        foreach (var folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(prefix + "*"))
        {
            try
            {
                var owner = Path.Combine(folder.FullName, OwnerFile);
                if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
                {
                    folder.Delete(recursive: true);
                    removed++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, or going away at this moment: not ours to insist on.
            }
        }

        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
