using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;
using TailHub.Sources.Push;

namespace TailHub.Benchmarks;

/// <summary>
/// The push path on its own, without HTTP or viewers: 4 MiB of 100-byte lines uploaded to a real
/// <see cref="PushSource"/> in reads of the given size, each read framed, masked with the default rules, written to
/// the spool (a file under the temp folder), its offset saved and its lines handed to the hub's channel (drained as
/// fast as it fills). Reported per line.
/// </summary>
public class PushBenchmarks
{
    private const int Lines = 4 * 1024 * 1024 / Records.LineBytes;
    private byte[] _body = [];
    private string _directory = "";
    private PushSource _source = null!;
    private CancellationTokenSource _stop = null!;
    private Task _running = Task.CompletedTask;
    private Task _draining = Task.CompletedTask;

    /// <summary>Bytes per body read: Kestrel hands over what arrived, up to its 1 MiB request buffer.</summary>
    [Params(16 * 1024, 256 * 1024)]
    public int ReadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = Records.FileBytes(Lines);
        _directory = Path.Combine(Path.GetTempPath(), "tailhub-bench-push-" + Guid.NewGuid().ToString("N")[..8]);
        var hub = Channel.CreateBounded<SourceRecord[]>(64);
        _draining = Task.Run(async () =>
        {
            await foreach (var _ in hub.Reader.ReadAllAsync()) { }
        });
        var (rules, _) = RedactionRules.Compile(new RedactionOptions());
        var writer = new SourceWriter("bench", hub.Writer, 0, 64 * 1024, new LineRedactor(rules), TimeProvider.System, () => true);
        _source = new PushSource(new PushSourceOptions { Name = "bench" }, _directory, TimeProvider.System, NullLogger<PushSource>.Instance);
        _stop = new CancellationTokenSource();
        _running = _source.RunAsync(writer, _stop.Token);
    }

    [Benchmark(OperationsPerInvoke = Lines, Description = "PushUpload.WriteAsync (frame, mask, spool, save offset, hand over), per line")]
    public async Task<long> Upload()
    {
        var upload = (await _source.BeginUploadAsync(null, "bench", CancellationToken.None))!;
        for (var offset = 0; offset < _body.Length; offset += ReadBytes)
            await upload.WriteAsync(_body.AsMemory(offset, Math.Min(ReadBytes, _body.Length - offset)), CancellationToken.None);
        return (await upload.CompleteAsync(endOfStream: false, CancellationToken.None)).Lines;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _running.GetAwaiter().GetResult();
        _source.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
