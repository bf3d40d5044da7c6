using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant.Model;
using Microsoft.Extensions.Logging;

namespace Darkstar.HomeAssistant.Rest;

/// <summary>What <c>/api/history/period</c> leaves out to make the answer smaller.</summary>
/// <param name="MinimalResponse">Only <c>state</c> and <c>last_changed</c> for every state but the first and last of each entity.</param>
/// <param name="NoAttributes">No attributes at all (so no unit either).</param>
public sealed record HistoryQuery(bool MinimalResponse = true, bool NoAttributes = false);

/// <summary>
/// Home Assistant's REST API with the bearer token. The <see cref="HttpClient"/> is the caller's (from
/// an <c>IHttpClientFactory</c> or one per process); the token goes on each request, never on the client.
/// </summary>
public sealed class HomeAssistantRestClient
{
    private const int MaxErrorBodyChars = 300;

    private readonly HttpClient _http;
    private readonly HomeAssistantConnectionSettings _settings;
    private readonly ILogger<HomeAssistantRestClient> _logger;

    public HomeAssistantRestClient(HttpClient http, HomeAssistantConnectionSettings settings, ILogger<HomeAssistantRestClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _settings = settings;
        _logger = logger;
    }

    /// <summary><c>GET /api/config</c>.</summary>
    public async Task<HomeAssistantConfig> GetConfigAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "config", null, notFoundIsNull: false, cancellationToken);
        return HomeAssistantConfig.Parse(body!.Value);
    }

    /// <summary><c>GET /api/states</c>: every entity's current state.</summary>
    public async Task<IReadOnlyList<EntityState>> GetStatesAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "states", null, notFoundIsNull: false, cancellationToken);
        return ParseStates(body!.Value);
    }

    /// <summary><c>GET /api/states/&lt;entity_id&gt;</c>; null when Home Assistant has no such entity.</summary>
    public async Task<EntityState?> GetStateAsync(string entityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
        var body = await SendAsync(HttpMethod.Get, "states/" + Uri.EscapeDataString(entityId), null, notFoundIsNull: true, cancellationToken);
        return body is { } state ? EntityState.Parse(state) : null;
    }

    /// <summary><c>GET /api/history/period/&lt;start&gt;</c> for <paramref name="entityIds"/>, up to <paramref name="end"/>.</summary>
    public async Task<IReadOnlyList<EntityHistory>> GetHistoryAsync(
        IReadOnlyCollection<string> entityIds,
        DateTimeOffset start,
        DateTimeOffset? end,
        HistoryQuery? query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entityIds);
        if (entityIds.Count == 0)
        {
            throw new ArgumentException("At least one entity id is needed.", nameof(entityIds));
        }

        query ??= new HistoryQuery();
        var path = new StringBuilder("history/period/")
            .Append(Uri.EscapeDataString(InstantText.Format(start)))
            .Append("?filter_entity_id=")
            .Append(Uri.EscapeDataString(string.Join(',', entityIds)));
        if (end is { } endTime)
        {
            path.Append("&end_time=").Append(Uri.EscapeDataString(InstantText.Format(endTime)));
        }

        if (query.MinimalResponse)
        {
            path.Append("&minimal_response");
        }

        if (query.NoAttributes)
        {
            path.Append("&no_attributes");
        }

        var body = await SendAsync(HttpMethod.Get, path.ToString(), null, notFoundIsNull: false, cancellationToken);
        return EntityHistory.ParseResponse(body!.Value);
    }

    /// <summary><c>POST /api/services/&lt;domain&gt;/&lt;service&gt;</c>, with <c>?return_response</c> when the call asks for it.</summary>
    public async Task<ServiceCallResult> CallServiceAsync(ServiceCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var path = string.Create(CultureInfo.InvariantCulture, $"services/{Uri.EscapeDataString(call.Domain)}/{Uri.EscapeDataString(call.Service)}");
        if (call.ReturnResponse)
        {
            path += "?return_response";
        }

        var body = await SendAsync(HttpMethod.Post, path, call.ToRestBody(), notFoundIsNull: false, cancellationToken);
        return ServiceCallResult.ParseRest(body ?? default);
    }

    internal static IReadOnlyList<EntityState> ParseStates(JsonElement body) =>
        body.ValueKind == JsonValueKind.Array
            ? [.. body.EnumerateArray().Select(EntityState.Parse)]
            : throw new HomeAssistantProtocolException($"The states must be an array, not {body.ValueKind}.");

    private async Task<JsonElement?> SendAsync(HttpMethod method, string relativePath, JsonNode? content, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        var uri = new Uri(_settings.RestBaseUri, relativePath);
        // The path without its query: entity ids and instants are fine to log, but keep log lines short.
        var described = $"{method} {uri.GetLeftPart(UriPartial.Path)}";
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (content is not null)
        {
            request.Content = new StringContent(content.ToJsonString(), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new HomeAssistantConnectionLostException($"Could not reach Home Assistant for {described}: {ex.Message}", DisconnectReason.NetworkError, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HomeAssistantTimeoutException($"Home Assistant did not answer {described} within {_http.Timeout.TotalSeconds:0} s.", ex);
        }

        using (response)
        {
            _logger.LogDebug("Home Assistant REST {Method} {Path} answered {Status}", method, uri.AbsolutePath, (int)response.StatusCode);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    throw HomeAssistantAuthenticationException.For(_settings.Mode, $"HTTP {(int)response.StatusCode} on {described}");
                case HttpStatusCode.NotFound when notFoundIsNull:
                    return null;
                case HttpStatusCode.NotFound:
                    throw new HomeAssistantNotFoundException($"Home Assistant has no {uri.AbsolutePath} ({described} answered 404).");
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var excerpt = text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "…" : text;
                throw new HomeAssistantHttpException(
                    $"Home Assistant answered {described} with HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {excerpt}",
                    response.StatusCode);
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new HomeAssistantProtocolException($"Home Assistant answered {described} with a body that is not JSON.", ex);
            }
        }
    }
}
