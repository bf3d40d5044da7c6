namespace Darkstar.Core.Options;

/// <summary>
/// One problem with the options: the option path (e.g. <c>battery.min_soc_percent</c>, empty for a problem
/// with the file itself), the value given (<c>***</c> for a secret, null when there is none to show) and
/// what is wrong or allowed.
/// </summary>
public sealed record OptionError(string Option, string? Value, string Problem)
{
    public override string ToString() =>
        Option.Length == 0 ? Problem
        : Value is null ? $"{Option}: {Problem}"
        : $"{Option} = {Value}: {Problem}";
}

/// <summary>
/// The facts about where Darkstar runs that the options depend on, gathered once at the edge
/// (the CLI or host) rather than read deep inside validation.
/// </summary>
/// <param name="HasSupervisorToken">True inside the add-on, where SUPERVISOR_TOKEN gives access to Home Assistant.</param>
public sealed record OptionsContext(bool HasSupervisorToken)
{
    public const string SupervisorTokenVariable = "SUPERVISOR_TOKEN";

    /// <summary>
    /// Points the add-on at another Supervisor than <c>http://supervisor/</c>: the image test's simulated home, which
    /// serves the same <c>/core/api</c>, <c>/core/websocket</c> and <c>/services/mqtt</c> paths.
    /// </summary>
    public const string SupervisorUrlVariable = "DARKSTAR_SUPERVISOR_URL";

    /// <summary>Inside the add-on.</summary>
    public static OptionsContext AddOn { get; } = new(true);

    /// <summary>Outside the add-on: Home Assistant's URL and a token must be configured.</summary>
    public static OptionsContext Standalone { get; } = new(false);

    /// <summary>Reads SUPERVISOR_TOKEN from this process's environment; call it once, at start-up.</summary>
    public static OptionsContext FromEnvironment() =>
        new(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SupervisorTokenVariable)));
}

/// <summary>The outcome of loading options: the options (null when the file could not be read or parsed) and every error found.</summary>
/// <remarks>
/// When the file parses but has errors, <see cref="Options"/> holds what could be bound, with defaults in
/// place of the bad values, so that <c>config check</c> can still print it. Use it only when <see cref="IsValid"/>.
/// </remarks>
public sealed record OptionsLoadResult(DarkstarOptions? Options, IReadOnlyList<OptionError> Errors, string Source)
{
    public bool IsValid => Options is not null && Errors.Count == 0;

    /// <summary>The options when they are valid; otherwise throws <see cref="InvalidOptionsException"/> listing every error.</summary>
    public DarkstarOptions GetValidOptions() =>
        IsValid ? Options! : throw new InvalidOptionsException(Source, Errors);
}

/// <summary>Options that did not validate; the message lists every error, one per line.</summary>
public sealed class InvalidOptionsException : Exception
{
    public InvalidOptionsException()
    {
        Errors = [];
    }

    public InvalidOptionsException(string message)
        : base(message)
    {
        Errors = [];
    }

    public InvalidOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public InvalidOptionsException(string source, IReadOnlyList<OptionError> errors)
        : base(Describe(source, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<OptionError> Errors { get; }

    private static string Describe(string source, IReadOnlyList<OptionError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return $"The options in {source} have {count}:{Environment.NewLine}" +
               string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
