using System.Threading.Channels;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Lab;
using Darkstar.Planning.Kepler;
using Darkstar.Service;

namespace Darkstar.Web;

/// <summary>
/// The web UI's live updates (<c>api/events</c>): a new plan, a forecast round, a change of the status or of the executor's mode, and a
/// Lab run's start, progress and end, sent to every open event stream. A stream that falls behind loses its oldest events, never blocks the service.
/// </summary>
public sealed class WebEvents : IPlanListener, IForecastListener, IDisposable
{
    private const int Backlog = 32;

    private readonly Lock _gate = new();
    private readonly List<Channel<WebEvent>> _streams = [];
    private readonly StatusBoard _board;
    private readonly LabRunner? _lab;
    private string? _lastStatus;

    public WebEvents(StatusBoard board, LabRunner? lab = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        _board = board;
        _board.Changed += OnStatusChanged;
        _lab = lab;
        if (_lab is not null)
        {
            _lab.Changed += OnLabChanged;
        }
    }

    /// <summary>Streams open now (a test waits for its own).</summary>
    public int Listeners
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    public void PlanMade(PlanOutcome outcome, string reason)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Send(new WebEvent("plan", $$"""{"plan_id":{{outcome.Plan.Id}},"reason":{{System.Text.Json.JsonSerializer.Serialize(reason)}}}"""));
    }

    public void ForecastIssued(DateTimeOffset issuedAt, IReadOnlyCollection<string> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        Send(new WebEvent("forecast", System.Text.Json.JsonSerializer.Serialize(new { issued_at = issuedAt, versions })));
    }

    /// <summary>Opens a stream; dispose the lease to close it.</summary>
    public (ChannelReader<WebEvent> Reader, IDisposable Lease) Subscribe()
    {
        var channel = Channel.CreateBounded<WebEvent>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _streams.Add(channel);
        }

        return (channel.Reader, new Lease(this, channel));
    }

    public void Dispose()
    {
        _board.Changed -= OnStatusChanged;
        if (_lab is not null)
        {
            _lab.Changed -= OnLabChanged;
        }
    }

    private void OnLabChanged(object? sender, LabRunChange change) => Send(new WebEvent("lab", System.Text.Json.JsonSerializer.Serialize(
        new { id = change.Run.Id, kind = change.Run.Kind, status = change.Run.Status, progress = Math.Round(change.Progress, 3), error = change.Run.Error },
        DarkstarApi.Json)));

    private void OnStatusChanged(object? sender, EventArgs e)
    {
        var (status, reason) = _board.Current();
        var executor = _board.Executor;
        var text = System.Text.Json.JsonSerializer.Serialize(new
        {
            status = DarkstarStatusText.Of(status),
            reason,
            mode = executor?.Mode.ToString(),
            @override = executor?.Override.ToString(),
            shadow = executor?.Shadow,
        });
        lock (_gate)
        {
            // The executor reports every minute; only a change is news.
            if (text == _lastStatus)
            {
                return;
            }

            _lastStatus = text;
        }

        Send(new WebEvent("status", text));
    }

    private void Send(WebEvent message)
    {
        lock (_gate)
        {
            foreach (var stream in _streams)
            {
                stream.Writer.TryWrite(message);
            }
        }
    }

    private sealed class Lease(WebEvents owner, Channel<WebEvent> channel) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._streams.Remove(channel);
            }

            channel.Writer.TryComplete();
        }
    }
}

/// <summary>One server-sent event: its name and its JSON data.</summary>
public sealed record WebEvent(string Name, string Json);
