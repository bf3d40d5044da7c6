namespace Darkstar.Cli;

/// <summary>Process exit codes: scripts and the add-on supervisor tell failures apart by them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed while running: a database error, a lost connection.</summary>
    public const int Failure = 1;

    /// <summary>The options or the command line are invalid: nothing was done.</summary>
    public const int InvalidInput = 2;
}
