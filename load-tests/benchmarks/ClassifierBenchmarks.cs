using System.Text;
using BenchmarkDotNet.Attributes;
using TailHub.Pipeline.Structure;

namespace TailHub.Benchmarks;

/// <summary>
/// What classifying one line costs (<see cref="LineClassifier"/>), per format: the load tester's line (pairs, then a
/// level word), a plain line with a timestamp and a level, a plain line with neither, an ANSI-coloured Jenkins line,
/// and JSON objects (the whole object is read). Compare with the ~1 µs a line costs to read, mask and encode.
/// </summary>
public class ClassifierBenchmarks
{
    private static readonly LineClassifier Classifier = new(zone: TimeZoneInfo.Utc);

    public static IEnumerable<string> Formats =>
    [
        "load-tester",
        "plain+timestamp+level",
        "plain",
        "jenkins-ansi",
        "json-serilog",
        "json-aspnetcore",
    ];

    private static readonly Dictionary<string, string> Lines = new()
    {
        ["load-tester"] = Encoding.ASCII.GetString(Records.FileBytes(1).AsSpan(0, Records.LineBytes - 1)),
        ["plain+timestamp+level"] = "2024-03-05 14:22:31,123 ERROR [main] com.example.OrderService - payment declined for order 42 (card expired)",
        ["plain"] = "GET /api/orders/42 200 12ms user=alice trace=4bf92f3577b34da6a3ce929d0e0e4736 bytes=5120 upstream=orders-7",
        ["jenkins-ansi"] = "[\u001b[1;31mERROR\u001b[m] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile",
        ["json-serilog"] = """{"@t":"2024-03-05T14:22:31.1234567Z","@mt":"Processed {@Position} in {Elapsed:000} ms.","Position":{"Latitude":25,"Longitude":134},"Elapsed":34}""",
        ["json-aspnetcore"] = """{"Timestamp":"2024-03-05T14:22:31.123Z","EventId":14,"LogLevel":"Information","Category":"Microsoft.Hosting.Lifetime","Message":"Now listening on: http://localhost:5000","State":{"Message":"Now listening on: http://localhost:5000","address":"http://localhost:5000","{OriginalFormat}":"Now listening on: {address}"}}""",
    };

    private byte[] _line = [];

    [ParamsSource(nameof(Formats))]
    public string Format { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _line = Encoding.UTF8.GetBytes(Lines[Format]);

    [Benchmark(Description = "LineClassifier.Classify, per line")]
    public LineClassification Classify() => Classifier.Classify(_line, 1_709_648_551_123);
}
