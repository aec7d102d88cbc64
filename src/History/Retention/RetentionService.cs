using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Hosting;
using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.History.Retention;

/// <summary>
/// Applies every source's <c>Retention</c> on a schedule (<see cref="HistoryOptions.RetentionInterval"/>, on the
/// application's <see cref="TimeProvider"/>) to the files TailHub wrote for it. A file is left alone while it is the
/// newest of its folder, while its run is going, or while the journal reads it back.
/// </summary>
public sealed class RetentionService(LiveSources sources, IConfiguration configuration, IOptions<TailHubOptions> options, IHostEnvironment environment,
    TimeProvider time, IOptions<HistoryOptions> history, ILogger<RetentionService> logger) : BackgroundService
{
    private readonly Dictionary<string, RetentionOptions> _policies = Policies(configuration);

    private static Dictionary<string, RetentionOptions> Policies(IConfiguration configuration)
    {
        var policies = new Dictionary<string, RetentionOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection(TailHubOptions.Section).GetSection("Sources").GetChildren())
        {
            // Start-up validation has already refused a bad one.
            if (section["Name"] is { } name && RetentionOptions.From(section, []) is { Limits: true } retention) policies[name] = retention;
        }
        return policies;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_policies.Count == 0) return;
        // Off the start-up path: the first sweep runs once the host has started.
        await Task.Yield();
        using var timer = new PeriodicTimer(history.Value.RetentionInterval, time);
        try
        {
            do SweepAll();
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every source with a policy.</summary>
    public void SweepAll()
    {
        var dataDirectory = Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        var now = time.GetUtcNow();
        foreach (var (name, policy) in _policies)
        {
            if (sources.Find(name) is not { } live) continue;
            var journal = live.Hub.Journal as SourceJournal;
            var active = live.Source is IHasRuns runs ? runs.Runs.Where(r => r.IsBeingWritten).Select(r => r.Number).ToHashSet() : [];
            foreach (var folder in OwnFile.Folders)
            {
                try
                {
                    var result = RetentionSweep.Apply(Path.Combine(dataDirectory, "sources", name, folder), policy, now,
                        file => active.Contains(file.Number) || journal?.IsReading(file.WrittenPath) == true);
                    if (result.Deleted.Count + result.Compressed.Count > 0)
                        logger.LogInformation("Source {Source}: retention deleted {Deleted} and compressed {Compressed} of its own files", name, result.Deleted.Count, result.Compressed.Count);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning("Source {Source}: retention could not go through {Folder} ({Error})", name, folder, e.Message);
                }
            }
        }
    }
}
