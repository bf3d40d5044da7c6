namespace Darkstar.Testing;

/// <summary>The project's own top folder, found from the test binaries (it holds Darkstar.slnx).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Locate();

    public static string File(params string[] parts) =>
        System.IO.Path.Combine([Path, .. parts]);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Darkstar.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Darkstar.slnx was not found above " + AppContext.BaseDirectory);
    }
}
