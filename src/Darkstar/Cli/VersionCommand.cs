using System.CommandLine;
using System.Reflection;
using Darkstar.Forecasting.Models;
using Darkstar.Mqtt;
using Darkstar.Planning.Solver;
using Darkstar.Storage;

namespace Darkstar.Cli;

/// <summary>
/// <c>darkstar version</c>: the versions Darkstar runs with, one line per component, or with <c>--json</c> one object of
/// them, which is what a bug report needs. A native library that cannot be loaded is reported as not found.
/// </summary>
public static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";

    /// <summary>Every component in the order printed; the native libraries as they report themselves.</summary>
    public static IReadOnlyList<ComponentVersion> Components() =>
    [
        new("darkstar", "Darkstar", Version),
        new("dotnet", ".NET", Environment.Version.ToString()),
        ComponentVersion.OfNativeLibrary("sqlite", "SQLite", StorageRuntime.SqliteVersion),
        ComponentVersion.OfNativeLibrary("xgboost", "XGBoost", () => XGBoostModel.LibraryVersion.ToString()),
        ComponentVersion.OfNativeLibrary("cbc", "CBC", () => CbcSolver.LibraryVersion),
        new("mqtt", "MQTT", MqttConnection.ClientLibrary),
    ];

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("version", "Print the versions Darkstar runs with: Darkstar, .NET and its native libraries.");
        command.SetAction(parse =>
        {
            var components = Components();
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, components.ToDictionary(c => c.Key, c => c.Version));
                return ExitCodes.Success;
            }

            var width = components.Max(c => c.Name.Length);
            foreach (var component in components)
            {
                context.Output.WriteLine($"{component.Name.PadRight(width)}  {component.Version}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>One component Darkstar runs with: its key in the JSON report, its name, and its version.</summary>
public sealed record ComponentVersion(string Key, string Name, string Version)
{
    public const string NotFound = "not found";

    /// <summary>The version <paramref name="read"/> reports, or <see cref="NotFound"/> when its native library cannot be loaded.</summary>
    public static ComponentVersion OfNativeLibrary(string key, string name, Func<string> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return new(key, name, read());
        }
        catch (Exception e) when (IsMissingLibrary(e))
        {
            return new(key, name, NotFound);
        }
    }

    // A provider that loads its library in a static constructor reports the missing file wrapped in the type's failure.
    private static bool IsMissingLibrary(Exception e) =>
        e is DllNotFoundException || (e is TypeInitializationException { InnerException: { } inner } && IsMissingLibrary(inner));
}
