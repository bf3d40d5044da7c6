using System.CommandLine;

namespace Darkstar.Cli;

/// <summary>The options every command takes: where the database and the options file are, and --json.</summary>
public sealed class GlobalOptions
{
    public Option<FileInfo?> Database { get; } = new("--db")
    {
        Description = "Path of the SQLite database (default: the options' database_path).",
        Recursive = true,
    };

    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "Options file, YAML or JSON (default: /data/options.json in the add-on, else the simulated home's).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object with the command's figures as the last line of stdout.",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Database);
        root.Options.Add(Config);
        root.Options.Add(Json);
    }
}
