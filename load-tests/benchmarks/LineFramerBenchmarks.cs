using BenchmarkDotNet.Attributes;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.Structure;
using TailHub.Sources;

namespace TailHub.Benchmarks;

/// <summary>
/// Framing the load tester's lines as the live path does (4 MiB pushed in 256 KiB reads: split, made into
/// <see cref="LogLine"/>s), with classification on and off (<c>TailHub:ClassifyLines</c>): what classifying adds
/// to a framed line. Masking is off in both, so the difference is the classifier's alone.
/// </summary>
public class LineFramerBenchmarks
{
    private const int Lines = 4 * 1024 * 1024 / Records.LineBytes;
    private const int ReadBytes = 256 * 1024;
    private byte[] _file = [];
    private readonly List<SourceRecord> _output = new(ReadBytes / Records.LineBytes + 1);

    [Params(false, true)]
    public bool Classify { get; set; }

    [GlobalSetup]
    public void Setup() => _file = Records.FileBytes(Lines);

    [Benchmark(OperationsPerInvoke = Lines, Description = "LineFramer.Push, per line")]
    public int Frame()
    {
        var framer = new LineFramer(64 * 1024, LineRedactor.None, new FileRef("/var/log/bench.log", new FileIdentity(1, 2)),
            classifier: Classify ? LineClassifier.Default : LineClassifier.Off);
        var count = 0;
        for (var offset = 0; offset < _file.Length; offset += ReadBytes)
        {
            framer.Push(_file.AsSpan(offset, Math.Min(ReadBytes, _file.Length - offset)), 1_732_300_000_000, 0, _output);
            count += _output.Count;
            _output.Clear();
        }
        return count;
    }
}
