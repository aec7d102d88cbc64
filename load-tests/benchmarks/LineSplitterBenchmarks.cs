using TailHub.Pipeline;
using BenchmarkDotNet.Attributes;
using TailHub.Sources;

namespace TailHub.Benchmarks;

/// <summary>
/// The tailer's first step: 4 MiB of 100-byte lines pushed in 256 KiB reads (FileTailer's buffer), split and
/// validated as UTF-8 into one array per line; and the bulk path a catch-up takes instead, counting. Reported per
/// line; compare with <c>wc -l</c>, which only counts.
/// </summary>
public class LineSplitterBenchmarks
{
    private const int Lines = 4 * 1024 * 1024 / Records.LineBytes;
    private const int ReadBytes = 256 * 1024;
    private byte[] _file = [];
    private readonly List<SplitLine> _output = new(ReadBytes / Records.LineBytes + 1);

    [GlobalSetup]
    public void Setup() => _file = Records.FileBytes(Lines);

    [Benchmark(OperationsPerInvoke = Lines, Description = "LineSplitter.Push, per line")]
    public int Split()
    {
        var splitter = new LineSplitter(64 * 1024);
        var count = 0;
        for (var offset = 0; offset < _file.Length; offset += ReadBytes)
        {
            splitter.Push(_file.AsSpan(offset, Math.Min(ReadBytes, _file.Length - offset)), _output);
            count += _output.Count;
            _output.Clear();
        }
        return count;
    }

    [Benchmark(OperationsPerInvoke = Lines, Baseline = true, Description = "newline count only (wc -l), per line")]
    public int CountOnly()
    {
        var count = 0;
        for (var offset = 0; offset < _file.Length; offset += ReadBytes)
            count += _file.AsSpan(offset, Math.Min(ReadBytes, _file.Length - offset)).Count((byte)'\n');
        return count;
    }

    [Benchmark(OperationsPerInvoke = Lines, Description = "LineCounter (bulk catch-up: count + key-block check), per line")]
    public int CountInBulk()
    {
        var count = 0;
        for (var offset = 0; offset < _file.Length; offset += ReadBytes)
            count += LineCounter.CountUnlessContains(_file.AsSpan(offset, Math.Min(ReadBytes, _file.Length - offset)), "-----BEGIN"u8);
        return count;
    }
}
