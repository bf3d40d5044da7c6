using System.Threading.Channels;
using Darkstar.Core.Domain;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Lab;

/// <summary>A Lab study as it changes: started, a step further, ended (<see cref="LabRun.Status"/> no longer running).</summary>
public sealed record LabRunChange(LabRun Run, double Progress);

/// <summary>
/// Runs the web UI's Lab studies (a replay, a what-if export) in the service, one at a time, in the background: a start
/// while one runs is refused, a study can be cancelled, its progress is told, and each is recorded in <c>lab_runs</c> when it
/// starts and when it ends. The studies share CBC's one lock with the planner solve by solve, so a plan waits at most for one
/// of their solves.
/// </summary>
public sealed class LabRunner(DarkstarDatabase database, TimeProvider clock, ILogger<LabRunner> logger) : BackgroundService
{
    /// <summary>What a run left <c>running</c> by a stopped service says.</summary>
    public const string Interrupted = "the service stopped before it finished";

    // Progress is told in steps of this share, so that a long replay sends tens of events, not thousands.
    private const double ProgressStep = 0.05;

    private readonly Channel<Study> _queue = Channel.CreateUnbounded<Study>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly LabRunRepository _runs = new(database);
    private Study? _current;

    /// <summary>
    /// Awaited before each study's work, with the study's cancellation: lets a test hold a study running for as long as it
    /// needs, whatever the machine's speed. Nothing by default.
    /// </summary>
    internal Func<CancellationToken, Task> BeforeEachStudy { get; set; } = _ => Task.CompletedTask;

    /// <summary>Every start, step and end of a study (the web UI's event stream listens).</summary>
    public event EventHandler<LabRunChange>? Changed;

    /// <summary>The study running now and how far it is, or null.</summary>
    public LabRunChange? Current
    {
        get
        {
            lock (_gate)
            {
                return _current?.Run is { } run ? new LabRunChange(run, _current.Progress) : null;
            }
        }
    }

    /// <summary>
    /// Records and starts a study, unless one runs: then null. <paramref name="work"/> runs in the background, reports its
    /// progress (0 to 1) and returns the result as JSON.
    /// </summary>
    public async Task<LabRun?> TryStartAsync(
        LabRunKind kind, string requestJson, Func<IProgress<double>, CancellationToken, Task<string>> work, CancellationToken cancellationToken)
    {
        var study = new Study(work);
        lock (_gate)
        {
            if (_current is not null)
            {
                return null;
            }

            _current = study;
        }

        try
        {
            var run = new LabRun { Kind = kind, RequestJson = requestJson, Status = RunStatus.Running, StartedAt = clock.GetUtcNow() };
            study.Run = run with { Id = await _runs.InsertAsync(run, cancellationToken) };
        }
        catch
        {
            Release();
            study.Dispose();
            throw;
        }

        Changed?.Invoke(this, new LabRunChange(study.Run, 0));
        _queue.Writer.TryWrite(study);
        return study.Run;
    }

    /// <summary>Asks the study <paramref name="id"/> to stop; false when it is not the one running.</summary>
    public bool Cancel(long id)
    {
        lock (_gate)
        {
            if (_current?.Run?.Id != id)
            {
                return false;
            }

            _current.Cancellation.Cancel();
            return true;
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A run still marked running was cut short when the service last stopped.
        var interrupted = await _runs.FailRunningAsync(Interrupted, clock.GetUtcNow(), cancellationToken);
        if (interrupted > 0)
        {
            logger.LogInformation("{Count} Lab run(s) left running when the service stopped are marked failed.", interrupted);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var study in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                using (study)
                {
                    await RunAsync(study, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service stops.
        }
    }

    private async Task RunAsync(Study study, CancellationToken stoppingToken)
    {
        var run = study.Run!;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, study.Cancellation.Token);
        LabRun ended;
        try
        {
            await BeforeEachStudy(linked.Token);
            var result = await study.Work(new StudyProgress(this, study), linked.Token);
            ended = run with { Status = RunStatus.Succeeded, ResultJson = result };
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            ended = study.Cancellation.IsCancellationRequested
                ? run with { Status = RunStatus.Cancelled, Error = "cancelled" }
                : run with { Status = RunStatus.Failed, Error = Interrupted };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Lab run {Id} ({Kind}) failed.", run.Id, run.Kind);
            ended = run with { Status = RunStatus.Failed, Error = e.Message };
        }

        ended = ended with { FinishedAt = clock.GetUtcNow() };
        try
        {
            // Written even while the service stops: else the row would say running until the next start.
            await _runs.UpdateAsync(ended, CancellationToken.None);
        }
        catch (Exception e) when (DatabaseFaults.IsDatabaseError(e))
        {
            logger.LogWarning(e, "Lab run {Id} ended {Status} but could not be recorded.", ended.Id, ended.Status);
        }

        Release();
        Changed?.Invoke(this, new LabRunChange(ended, 1));
    }

    private void Release()
    {
        lock (_gate)
        {
            _current = null;
        }
    }

    private sealed class Study(Func<IProgress<double>, CancellationToken, Task<string>> work) : IDisposable
    {
        public Func<IProgress<double>, CancellationToken, Task<string>> Work { get; } = work;

        public CancellationTokenSource Cancellation { get; } = new();

        public LabRun? Run { get; set; }

        public double Progress { get; set; }

        public void Dispose() => Cancellation.Dispose();
    }

    private sealed class StudyProgress(LabRunner owner, Study study) : IProgress<double>
    {
        public void Report(double value)
        {
            var told = study.Progress;
            study.Progress = value;
            if (Math.Floor(value / ProgressStep) > Math.Floor(told / ProgressStep) && value < 1)
            {
                owner.Changed?.Invoke(owner, new LabRunChange(study.Run!, value));
            }
        }
    }
}
