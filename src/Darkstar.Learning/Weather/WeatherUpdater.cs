using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Darkstar.Learning.Weather;

/// <summary>How the weather is fetched: where the home is, how far ahead, how hard to try.</summary>
public sealed record WeatherSettings
{
    public required double Latitude { get; init; }

    public required double Longitude { get; init; }

    /// <summary>Days of forecast, today included: two cover the planner's 48 hours from any time of day, three leave room.</summary>
    public int ForecastDays { get; init; } = 3;

    /// <summary>Retries after a failed request, with a delay that doubles from <see cref="RetryDelay"/>.</summary>
    public int Retries { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A forecast older than this is stale: Open-Meteo's models run every few hours.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromHours(6);
}

/// <summary>
/// The forecast in use after an update: the new one, or after a failure the last one stored, with its age. Callers
/// (the forecaster, the status entity) see <see cref="IsStale"/> and <see cref="Problem"/> rather than a missing forecast.
/// </summary>
public sealed record WeatherForecastStatus(int SlotsWritten, DateTimeOffset? IssuedAt, TimeSpan? Age, bool IsStale, string? Problem);

/// <summary>
/// Fetches Open-Meteo's forecast into <c>weather</c> with its issue time (retrying with Polly on the injected clock),
/// and observed weather from the archive. A failed update writes nothing: the last forecast stays, flagged stale once
/// it is older than <see cref="WeatherSettings.StaleAfter"/>.
/// </summary>
public sealed class WeatherUpdater
{
    private readonly OpenMeteoClient _client;
    private readonly WeatherRepository _weather;
    private readonly WeatherSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<WeatherUpdater> _logger;
    private readonly ResiliencePipeline _retry;

    public WeatherUpdater(OpenMeteoClient client, WeatherRepository weather, WeatherSettings settings, TimeProvider time, ILogger<WeatherUpdater> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _weather = weather ?? throw new ArgumentNullException(nameof(weather));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _retry = settings.Retries <= 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
            {
                // Open-Meteo unreachable, failing or slow is worth another try; a refused request (bad location) is not.
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TaskCanceledException>(e => !e.CancellationToken.IsCancellationRequested),
                BackoffType = DelayBackoffType.Exponential,
                Delay = settings.RetryDelay,
                MaxRetryAttempts = settings.Retries,
                UseJitter = false,
                OnRetry = args =>
                {
                    _logger.LogInformation(args.Outcome.Exception, "Weather request failed (attempt {Attempt}); trying again in {Delay}", args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            }).Build();
    }

    public async Task<WeatherForecastStatus> UpdateForecastAsync(CancellationToken cancellationToken)
    {
        var issuedAt = InstantText.Truncate(_time.GetUtcNow());
        try
        {
            var slots = await _retry.ExecuteAsync(
                async token => await _client.GetForecastAsync(_settings.Latitude, _settings.Longitude, _settings.ForecastDays, issuedAt, token),
                cancellationToken);
            var written = await _weather.UpsertAsync(slots, cancellationToken);
            return new WeatherForecastStatus(written, issuedAt, TimeSpan.Zero, IsStale: false, Problem: null);
        }
        catch (Exception e) when (e is HttpRequestException or OpenMeteoException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var last = await _weather.ReadLatestForecastIssuedAtAsync(cancellationToken);
            var age = last is { } at ? _time.GetUtcNow() - at : (TimeSpan?)null;
            var stale = age is null || age > _settings.StaleAfter;
            _logger.LogWarning(
                e, "Weather forecast not updated; the last one, issued {IssuedAt} ({AgeHours:0.0} h ago), stays in use{Stale}",
                last is { } l ? InstantText.Format(l) : "never", age?.TotalHours, stale ? " and is stale" : "");
            return new WeatherForecastStatus(0, last, age, stale, e.Message);
        }
    }

    /// <summary>Observed weather of the UTC days <paramref name="first"/> to <paramref name="last"/> from the archive.</summary>
    public async Task<int> UpdateObservedAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var slots = await _retry.ExecuteAsync(
            async token => await _client.GetArchiveAsync(_settings.Latitude, _settings.Longitude, first, last, token),
            cancellationToken);
        return await _weather.UpsertAsync(slots, cancellationToken);
    }
}
