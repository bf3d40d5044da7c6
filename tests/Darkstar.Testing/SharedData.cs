namespace Darkstar.Testing;

/// <summary>
/// Finds the real data sets that sit beside the project (shared/data). Tests that need them
/// skip, saying why, when the folder is not there.
/// </summary>
public static class SharedData
{
    public const string MissingReason =
        "The shared data folder (../shared/data beside the project) is not present; set DARKSTAR_SHARED_DATA to run this test.";

    public static string? Root { get; } = Locate();

    public static bool IsAvailable => Root is not null;

    public static string PathOf(string relative) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException(MissingReason), relative);

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DARKSTAR_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate) && System.IO.File.Exists(System.IO.Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        return null;
    }
}
