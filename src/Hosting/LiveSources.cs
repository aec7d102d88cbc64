using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;
using TailHub.Sources;
using TailHub.Sources.Jenkins;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>Builds every configured source's stages and runs them for the lifetime of the application.</summary>
public sealed class LiveSources : BackgroundService
{
    private readonly Dictionary<string, LiveSource> _byName = new(StringComparer.OrdinalIgnoreCase);

    public LiveSources(IOptions<TailHubOptions> options, IHostEnvironment environment, StreamEpoch epoch, TimeProvider time, ILoggerFactory loggers, LineRedactor redactor)
    {
        var o = options.Value;
        foreach (var source in o.Sources)
        {
            // A Jenkins source is tailed like a file: the follower's current.log, a link to the build being followed.
            var jenkinsDirectory = string.Equals(source.Type, "jenkins", StringComparison.OrdinalIgnoreCase)
                ? Path.Combine(Path.GetFullPath(o.DataDirectory, environment.ContentRootPath), "jenkins", source.Name)
                : null;
            var path = SourcePath.Parse(jenkinsDirectory is null ? source.Path : JenkinsCurrentBuild.PathIn(jenkinsDirectory), environment.ContentRootPath);
            // Where rotated files are looked for: their directory, and RotatedFiles (logrotate's olddir) when configured.
            var locator = new FileLocator(source.RotatedFiles is { } rotated ? SourcePath.Parse(rotated, environment.ContentRootPath) : null);
            var hub = new SourceHub(source.Name, o.BacklogLines, o.JournalSegments, o.MaxLineBytes, time, redactor: redactor, locator: locator);
            var broadcaster = new SseBroadcaster(hub, o, epoch, time);
            var tailer = new FileTailer(source.Name, path, o, hub.Input, time, loggers.CreateLogger<FileTailer>(), redactor,
                linesWatched: () => broadcaster.ViewerCount > 0, locator: locator);
            var jenkins = jenkinsDirectory is not null
                ? new JenkinsSource(source, jenkinsDirectory, hub.Input, length => tailer.Status.Files.Any(f => !f.Rotated && f.Offset >= length), time, loggers, redactor: redactor)
                : null;
            var live = new LiveSource(source.Name, source.Type.ToLowerInvariant(), path.ToString(), tailer, hub, broadcaster, jenkins);
            _byName[source.Name] = live;
            All.Add(live);
        }
    }

    /// <summary>In configuration order.</summary>
    public List<LiveSource> All { get; } = [];

    public LiveSource? Find(string name) => _byName.GetValueOrDefault(name);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tasks = new List<Task>();
        foreach (var source in All)
        {
            tasks.Add(Task.Run(() => source.Broadcaster.RunAsync(stoppingToken), stoppingToken));
            tasks.Add(Task.Run(() => source.Hub.RunAsync(source.Broadcaster, stoppingToken), stoppingToken));
            tasks.Add(Task.Run(() => source.Tailer.RunAsync(stoppingToken), stoppingToken));
            if (source.Jenkins is { } jenkins) tasks.Add(Task.Run(() => jenkins.RunAsync(stoppingToken), stoppingToken));
        }
        return Task.WhenAll(tasks);
    }
}
