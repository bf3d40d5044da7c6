using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Time;
using Darkstar.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Darkstar.Cli;

public static class DatabaseCommands
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var migrate = new Command("migrate", "Create the database, or bring it to the current schema. Safe to run again.");
        migrate.SetAction((parse, cancellationToken) => MigrateAsync(parse, context, global, cancellationToken));
        var stats = new Command("stats", "Print the rows and size of every table, and what the daily retention would remove now.");
        stats.SetAction((parse, cancellationToken) => StatsAsync(parse, context, global, cancellationToken));
        return new Command("db", "Manage Darkstar's SQLite database.") { migrate, stats };
    }

    private static async Task<int> MigrateAsync(ParseResult parse, CliContext context, GlobalOptions global, CancellationToken cancellationToken)
    {
        var options = OptionsResolver.Resolve(parse, global, context);
        if (options is null)
        {
            return ExitCodes.InvalidInput;
        }

        var path = DatabasePath(parse, global, options);
        using var logging = CliLogging.Create(options.Options.LogLevel);
        var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
        var migrator = new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>());
        try
        {
            var applied = await migrator.MigrateAsync(cancellationToken);
            var version = await migrator.GetCurrentVersionAsync(cancellationToken);
            await context.Output.WriteLineAsync(applied.Count == 0
                ? $"Database {path} is up to date at schema version {version}."
                : $"Database {path} migrated to schema version {version} (applied {string.Join(", ", applied)}).");
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new { database = path, schema_version = version, applied });
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is SqliteException or DatabaseCorruptException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync(DatabaseFaults.Describe(e, path));
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is SchemaVersionTooNewException or IOException)
        {
            await context.Error.WriteLineAsync($"Database {path}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> StatsAsync(ParseResult parse, CliContext context, GlobalOptions global, CancellationToken cancellationToken)
    {
        var options = OptionsResolver.Resolve(parse, global, context);
        if (options is null)
        {
            return ExitCodes.InvalidInput;
        }

        var path = DatabasePath(parse, global, options);
        if (!File.Exists(path))
        {
            await context.Error.WriteLineAsync($"Database {path} does not exist; create it with 'darkstar db migrate --db {path}'.");
            return ExitCodes.Failure;
        }

        using var logging = CliLogging.Create(options.Options.LogLevel);
        var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
        try
        {
            var migrator = new SchemaMigrator(database, context.Clock, logging.CreateLogger<SchemaMigrator>());
            var version = await migrator.GetCurrentVersionAsync(cancellationToken);
            if (version < migrator.LatestVersion)
            {
                await context.Error.WriteLineAsync(
                    $"Database {path} is at schema version {version}, this Darkstar needs {migrator.LatestVersion}; run 'darkstar db migrate --db {path}'.");
                return ExitCodes.Failure;
            }

            var statistics = new DatabaseStatistics(database);
            var counts = await statistics.CountRowsAsync(cancellationToken);
            var (sizes, measured) = await statistics.SizeTablesAsync(cancellationToken);
            RetentionCounts? removable = null;
            if (HomeTimeZone.TryResolve(null, options.Options.Location.TimeZone, null, out var zone, out _))
            {
                removable = await new DatabaseRetention(database, RetentionHorizons.From(options.Options.Retention), zone)
                    .PreviewAsync(context.Clock.GetUtcNow(), cancellationToken);
            }

            var removes = removable?.ByTable();
            var table = new Table().Border(TableBorder.Simple).AddColumn("table").AddColumn(new TableColumn("rows").RightAligned())
                .AddColumn(new TableColumn(measured ? "MB" : "MB (est.)").RightAligned()).AddColumn(new TableColumn("retention removes").RightAligned());
            foreach (var (name, rows) in counts)
            {
                table.AddRow(
                    name,
                    rows.ToString(CultureInfo.InvariantCulture),
                    (sizes[name] / 1e6).ToString("0.00", CultureInfo.InvariantCulture),
                    removes is null ? "?" : removes.TryGetValue(name, out var removed) ? removed.ToString(CultureInfo.InvariantCulture) : "");
            }

            var fileBytes = new FileInfo(path).Length;
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Database {path}, schema version {version}, {fileBytes / 1e6:0.00} MB:"));
            ConsoleRendering.For(context.Output).Write(table);
            await context.Output.WriteLineAsync(removable is null
                ? "Set location.time_zone in the options to see what retention would remove (it works in the home's local days)."
                : $"Retention now would remove {removable.Describe()}.");
            if (parse.GetValue(global.Json))
            {
                JsonReport.Write(context.Output, new
                {
                    tables = counts,
                    bytes = sizes,
                    bytes_measured = measured,
                    file_bytes = fileBytes,
                    retention_removes = removes,
                });
            }

            return ExitCodes.Success;
        }
        catch (SqliteException e)
        {
            await context.Error.WriteLineAsync($"Database {path}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static string DatabasePath(ParseResult parse, GlobalOptions global, ResolvedOptions options) =>
        parse.GetValue(global.Database)?.FullName ?? Path.GetFullPath(options.Options.DatabasePath);
}
