namespace Darkstar.Testing;

/// <summary>A test of file permissions: skipped when the tests run as root, whose writes no permission stops.</summary>
public sealed class NotRootFactAttribute : Xunit.FactAttribute
{
    public NotRootFactAttribute()
    {
        if (IsRoot)
        {
            Skip = "runs as root, whom a read-only file mode does not stop; the read-only case is covered through a read-only connection";
        }
    }

    public static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
}
