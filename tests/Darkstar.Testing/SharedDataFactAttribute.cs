namespace Darkstar.Testing;

/// <summary>
/// A fact that needs the shared data sets: it is skipped, saying why, when they are not beside the project
/// (xunit 2 has no dynamic skip, so the attribute decides when the tests are discovered).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SharedDataFactAttribute : Xunit.FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!SharedData.IsAvailable)
        {
            Skip = SharedData.MissingReason;
        }
    }
}
