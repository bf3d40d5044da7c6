using System.Globalization;
using System.Text.RegularExpressions;
using Darkstar.Core.Time;

namespace Darkstar.Core.Options;

/// <summary>Marks an option whose value is a secret: printed as <c>***</c> and never echoed in an error.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>A key every item of a list option must give (the item's other keys have defaults).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemRequiredAttribute : Attribute;

/// <summary>The text an enum member is written as in the options, when it is not the member's snake_case name.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class OptionValueAttribute(string value) : Attribute
{
    public string Value { get; } = value;
}

/// <summary>A rule that one option's value must satisfy on its own; checked on every set value after binding.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public abstract class OptionRuleAttribute : Attribute
{
    /// <summary>Returns what is wrong with <paramref name="value"/> (never repeating the value), or null when it is fine.</summary>
    public abstract string? Check(object value);

    private protected static double AsDouble(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private protected static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The value must lie in [<see cref="Min"/>, <see cref="Max"/>]; with <see cref="MinExclusive"/> the lower bound is open.</summary>
public sealed class BetweenAttribute(double min, double max) : OptionRuleAttribute
{
    public double Min { get; } = min;

    public double Max { get; } = max;

    public bool MinExclusive { get; init; }

    /// <summary>Why the range is what it is, when that is not plain from the option: added to the message.</summary>
    public string? Reason { get; init; }

    public override string? Check(object value)
    {
        var number = AsDouble(value);
        var aboveMin = MinExclusive ? number > Min : number >= Min;
        if (aboveMin && number <= Max)
        {
            return null;
        }

        var message = MinExclusive
            ? $"must be greater than {Format(Min)} and at most {Format(Max)}"
            : $"must be between {Format(Min)} and {Format(Max)}";
        return Reason is null ? message : $"{message} ({Reason})";
    }
}

/// <summary>The value must be at least <see cref="Min"/> (or greater than it, with <see cref="Exclusive"/>).</summary>
public sealed class AtLeastAttribute(double min) : OptionRuleAttribute
{
    public double Min { get; } = min;

    public bool Exclusive { get; init; }

    public override string? Check(object value)
    {
        var number = AsDouble(value);
        if (Exclusive)
        {
            return number > Min ? null : $"must be greater than {Format(Min)}";
        }

        return number >= Min ? null : $"must be at least {Format(Min)}";
    }
}

/// <summary>The whole number must be a multiple of <see cref="Step"/> (minutes on the 15-minute slot grid).</summary>
public sealed class MultipleOfAttribute(int step) : OptionRuleAttribute
{
    public int Step { get; } = step;

    public override string? Check(object value) =>
        Convert.ToInt64(value, CultureInfo.InvariantCulture) % Step == 0 ? null : $"must be a multiple of {Step}";
}

/// <summary>
/// The value must be a Home Assistant entity id (<c>domain.object_id</c>, lower-case letters, digits and
/// underscores) in one of <see cref="Domains"/>.
/// </summary>
public sealed partial class EntityIdAttribute(params string[] domains) : OptionRuleAttribute
{
    public IReadOnlyList<string> Domains { get; } = domains;

    public override string? Check(object value)
    {
        var text = (string)value;
        var example = $"{Domains[0]}.my_device_{(Domains[0] == "sensor" ? "energy" : "control")}";
        if (!EntityIdPattern().IsMatch(text))
        {
            return $"must be an entity id: lower-case domain.object_id of letters, digits and underscores, e.g. {example}";
        }

        var domain = text[..text.IndexOf('.', StringComparison.Ordinal)];
        return Domains.Contains(domain, StringComparer.Ordinal)
            ? null
            : $"must be an entity in the domain {string.Join(" or ", Domains.Select(d => d + "."))}, not {domain}.";
    }

    // Home Assistant's own rule: no leading, trailing or doubled underscores in either part.
    [GeneratedRegex(@"^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$", RegexOptions.CultureInvariant)]
    internal static partial Regex EntityIdPattern();
}

/// <summary>The text must match <see cref="Pattern"/> (anchored); <see cref="Expected"/> says in words what that means.</summary>
public sealed class MatchesAttribute(string pattern, string expected) : OptionRuleAttribute
{
    private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public string Pattern { get; } = pattern;

    public string Expected { get; } = expected;

    public override string? Check(object value) => _regex.IsMatch((string)value) ? null : $"must be {Expected}";
}

/// <summary>The text must be an absolute http:// or https:// URL.</summary>
public sealed class HttpUrlAttribute : OptionRuleAttribute
{
    public override string? Check(object value) =>
        Uri.TryCreate((string)value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : "must be an http:// or https:// URL, e.g. http://homeassistant.local:8123";
}

/// <summary>The text must be an IANA time zone id known to this system.</summary>
public sealed class IanaTimeZoneAttribute : OptionRuleAttribute
{
    public override string? Check(object value) =>
        TimeZones.TryFind((string)value, out _) ? null : "must be an IANA time zone id, e.g. Europe/Stockholm";
}

/// <summary>The text goes into an HTTP header or a protocol field: no spaces, no control characters.</summary>
public sealed class SingleTokenAttribute : OptionRuleAttribute
{
    public override string? Check(object value) =>
        ((string)value).Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? "must be a single token without spaces or line breaks (copy it again from your Home Assistant profile)"
            : null;
}
