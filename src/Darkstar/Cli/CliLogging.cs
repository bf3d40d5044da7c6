using Darkstar.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Darkstar.Cli;

/// <summary>
/// Structured console logs for the command line, all on stderr so stdout stays for results
/// (and the --json line). Secrets never reach a log: options are only logged through OptionsPrinter.
/// </summary>
public static class CliLogging
{
    public static ILoggerFactory Create(LogLevelOption level) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(ToLogLevel(level))
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' ";
                options.IncludeScopes = true;
            })
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));

    public static LogLevel ToLogLevel(LogLevelOption level) => level switch
    {
        LogLevelOption.Trace => LogLevel.Trace,
        LogLevelOption.Debug => LogLevel.Debug,
        LogLevelOption.Info => LogLevel.Information,
        LogLevelOption.Warning => LogLevel.Warning,
        LogLevelOption.Error => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
