namespace Darkstar.Testing;

/// <summary>A folder of its own for one test, removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "darkstar-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalising SQLite handle: the OS temp cleaner takes it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
