using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Storage.Repositories;

namespace Darkstar.Forecasting.Runtime;

/// <summary>
/// Where Aurora's models live: one folder per version (<c>aurora/aurora_vN</c>) next to the database, and a row per
/// training in <c>model_runs</c>. The current model is the latest succeeded run that was promoted.
/// </summary>
public sealed class AuroraModelStore(ModelRunRepository runs, string artifactsFolder) : IDisposable, IForecastVersionResolver
{
    public const string VersionPrefix = "aurora_v";
    public const string PromotedMetric = "promoted";

    private readonly Lock _gate = new();
    private AuroraModel? _loaded;

    public string ArtifactsFolder { get; } = artifactsFolder;

    public ModelRunRepository Runs { get; } = runs;

    /// <summary>The folder beside the database file that holds the model folders.</summary>
    public static string FolderBeside(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath)) ?? ".", "aurora");

    /// <summary>The latest promoted run, or null before the first training.</summary>
    public async Task<ModelRun?> ReadCurrentRunAsync(CancellationToken cancellationToken) =>
        (await Runs.ReadAllAsync(cancellationToken)).LastOrDefault(r => r.Status == RunStatus.Succeeded && IsPromoted(r));

    /// <summary>
    /// The forecast version an option value means, as stored in <c>slot_forecasts</c>: <c>baseline_7_day_avg</c>, or
    /// for Aurora its current promoted <c>aurora_vN</c> (the baseline while none is trained).
    /// </summary>
    public async Task<string> ResolveForecastVersionAsync(ForecastVersion version, CancellationToken cancellationToken)
    {
        if (version == ForecastVersion.Baseline7DayAverage)
        {
            return BaselineForecaster.VersionName;
        }

        var run = await ReadCurrentRunAsync(cancellationToken);
        return run?.Version ?? BaselineForecaster.VersionName;
    }

    /// <summary>The next free version name, aurora_v1, aurora_v2, ...</summary>
    public async Task<string> NextVersionAsync(CancellationToken cancellationToken)
    {
        var highest = (await Runs.ReadAllAsync(cancellationToken))
            .Select(r => r.Version.StartsWith(VersionPrefix, StringComparison.Ordinal)
                && int.TryParse(r.Version.AsSpan(VersionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max();
        return VersionPrefix + (highest + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The current model, loaded once per version; null before the first training.</summary>
    public async Task<AuroraModel?> LoadCurrentAsync(CancellationToken cancellationToken)
    {
        var run = await ReadCurrentRunAsync(cancellationToken);
        if (run?.ArtifactPath is null)
        {
            return null;
        }

        lock (_gate)
        {
            if (_loaded?.Version == run.Version)
            {
                return _loaded;
            }

            var model = AuroraModel.Load(Resolve(run.ArtifactPath));
            _loaded?.Dispose();
            _loaded = model;
            return model;
        }
    }

    /// <summary>Artifact paths are stored relative to the artifacts folder, so a database and its folder move together.</summary>
    public string Resolve(string artifactPath) => Path.Combine(ArtifactsFolder, artifactPath);

    public static bool IsPromoted(ModelRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.MetricsJson is null)
        {
            return false;
        }

        using var document = JsonDocument.Parse(run.MetricsJson);
        return document.RootElement.TryGetProperty(PromotedMetric, out var promoted) && promoted.GetDouble() > 0;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _loaded?.Dispose();
            _loaded = null;
        }
    }
}
