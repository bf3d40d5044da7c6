namespace Darkstar.Testing;

/// <summary>Damage as a failing SD card does it: random bytes over some pages of a closed database file.</summary>
public static class DamagedFile
{
    /// <summary>
    /// Copies <paramref name="source"/> (closed, its write-ahead log checkpointed) to <paramref name="copy"/> and writes random
    /// bytes over every third page from the second on, leaving the header so that it still opens as a database.
    /// </summary>
    public static async Task CopyWithNoiseAsync(string source, string copy, int seed = 23)
    {
        File.Copy(source, copy);
        var random = new Random(seed);
        await using var file = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite);
        const int pageSize = 4096;
        var pages = file.Length / pageSize;
        var noise = new byte[pageSize / 2];
        for (var page = 1L; page < pages; page += 3)
        {
            random.NextBytes(noise);
            file.Position = (page * pageSize) + 100;
            await file.WriteAsync(noise);
        }
    }
}
