using TailHub.Pipeline;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TailHub.Configuration;
using TailHub.Sources;

namespace TailHub.Benchmarks;

/// <summary>
/// The look interval under FileSystemWatcher: how long after a rotation (rename away, create anew with a line) the
/// real <see cref="FileTailer"/> has opened the new file and emitted its line, on real files in a temporary folder,
/// in a quiet directory and while a neighbour in the same directory writes 1,000 lines a second (each write wakes the
/// watcher). A file rotated away twice within this window, before it was opened, is what a single-file source cannot see.
/// </summary>
public class TailerLookBenchmarks
{
    private string _folder = "";
    private Channel<SourceRecord[]> _records = Channel.CreateUnbounded<SourceRecord[]>();
    private CancellationTokenSource _stop = new();
    private Task _tailer = Task.CompletedTask;
    private Task _neighbour = Task.CompletedTask;
    private int _rotation;
    // Each rotation's own duration, for the distribution BenchmarkDotNet's per-iteration means do not show.
    private readonly List<double> _each = [];

    [Params("app.log", "app.log*")]
    public string Path { get; set; } = "app.log";

    [Params(0, 1000)]
    public int NeighbourLinesPerSecond { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tailhub-look-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        File.WriteAllText(P("app.log"), "");
        _records = Channel.CreateUnbounded<SourceRecord[]>();
        _stop = new CancellationTokenSource();
        _neighbour = Task.CompletedTask;
        var options = new TailHubOptions { InitialLines = 0, RotatedFileGrace = TimeSpan.FromMilliseconds(100) };
        var writer = new SourceWriter("look", _records.Writer, 0, options.MaxLineBytes, TailHub.Pipeline.Redaction.LineRedactor.None, TimeProvider.System, () => false);
        var tailer = new FileTailer("look", SourcePath.Parse(Path, _folder), options, writer, TimeProvider.System, NullLogger.Instance);
        _tailer = Task.Run(() => tailer.RunAsync(_stop.Token));
        if (NeighbourLinesPerSecond > 0) _neighbour = Task.Run(() => NeighbourAsync(_stop.Token));
        while (!tailer.Status.Files.Any()) Thread.Sleep(1);
    }

    private string P(string name) => System.IO.Path.Combine(_folder, name);

    private async Task NeighbourAsync(CancellationToken stop)
    {
        await using var busy = new FileStream(P("busy.txt"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var line = "INFO  [worker-07] GET /api/orders/42 status=200 bytes=5120 user=alice elapsed_ms=12\n"u8.ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long written = 0;
        while (!stop.IsCancellationRequested)
        {
            while (written < clock.Elapsed.TotalSeconds * NeighbourLinesPerSecond)
            {
                busy.Write(line);
                busy.Flush();
                written++;
            }
            await Task.Delay(1, CancellationToken.None);
        }
    }

    [Benchmark(Description = "rename + create → the new file's first line emitted")]
    public async Task RotateAndRead()
    {
        var expected = $"rotation {++_rotation}";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        File.Move(P("app.log"), P("app.log.1"), overwrite: true);
        File.WriteAllText(P("app.log"), expected + "\n");
        while (true)
        {
            foreach (var record in await _records.Reader.ReadAsync())
            {
                if (record is not LogLine line || line.Text != expected) continue;
                _each.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return;
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_each.Count > 0)
        {
            _each.Sort();
            double At(double q) => _each[(int)Math.Min(_each.Count - 1, Math.Round(q * (_each.Count - 1)))];
            Console.WriteLine($"// per rotation ({Path}, neighbour {NeighbourLinesPerSecond} lines/s, {_each.Count} rotations): " +
                $"p50 {At(0.5):F2} ms, p90 {At(0.9):F2} ms, p99 {At(0.99):F2} ms, max {_each[^1]:F2} ms");
            _each.Clear();
        }
        _stop.Cancel();
        try { Task.WaitAll(_tailer, _neighbour); } catch (AggregateException) { }
        Directory.Delete(_folder, recursive: true);
    }
}
