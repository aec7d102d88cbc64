using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TailHub.Alerts;
using TailHub.Configuration;
using TailHub.Pipeline;

namespace TailHub.Benchmarks;

/// <summary>
/// Alert evaluation per line of the load tester's lines, with 20 rules that match none of them (15 patterns, 5
/// minimum levels): what the evaluator's loop spends on a line nobody is alerted about.
/// </summary>
public class AlertEvaluationBenchmarks
{
    private const int Lines = 4096;

    /// <summary>Patterns of the kind people alert on; none matches a load-tester line.</summary>
    public static readonly string[] Patterns =
    [
        "OutOfMemoryError", "panic: ", "FATAL", "segfault", @"Traceback \(most recent call last\)", "deadlock detected",
        "connection refused", "No space left on device", @"timed? ?out after \d+ ?ms", @"\b5\d\d Internal Server Error",
        "Exception in thread", "killed process", "certificate (has )?expired", "too many open files", "circuit breaker open",
    ];

    private AlertEvaluator _evaluator = null!;
    private SourceHub _hub = null!;
    private SourceRecord[] _chunk = [];

    [Params(0, 1, 20)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = AlertsLoad.Options(Rules, "load");
        var alerts = AlertSet.Build(options, ["load"], _ => null,
            (d, url, token) => new AlertDestination(d, url, token, options, TimeProvider.System, NullLogger.Instance), out var errors)
            ?? throw new InvalidOperationException(string.Join("; ", errors));
        var links = new AlertLinks(Options.Create(new TailHubOptions { PublicUrl = "http://localhost:5080" }), new NoServer());
        _evaluator = new AlertEvaluator(alerts, new AlertQueue(options), links, TimeProvider.System, NullLogger<AlertEvaluator>.Instance);
        _hub = new SourceHub("load", "bench001", 16, new SourceJournal(16, 1024), TimeProvider.System);
        var lines = Records.Lines(Lines);
        foreach (var line in lines) TailHub.Pipeline.Structure.LineClassifier.Default.Apply(line);
        _chunk = [.. lines];
    }

    [Benchmark(OperationsPerInvoke = Lines, Description = "AlertEvaluator.Evaluate, per line")]
    public void Evaluate() => _evaluator.Evaluate("load", _hub, _chunk);

    private sealed class NoServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();
        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public void Dispose() { }
    }
}

/// <summary>The alert configuration the benchmarks and the load tests' <c>alerts</c> scenario use.</summary>
public static class AlertsLoad
{
    /// <summary><paramref name="rules"/> rules on <paramref name="source"/>: patterns first, then every fourth a minimum level (error).</summary>
    public static AlertsOptions Options(int rules, string source) => new()
    {
        Rules = Enumerable.Range(0, rules).Select(i => new AlertRuleOptions
        {
            Name = $"quiet-{i}",
            Sources = [source],
            Match = i % 4 == 3 ? null : AlertEvaluationBenchmarks.Patterns[i % AlertEvaluationBenchmarks.Patterns.Length],
            MinLevel = i % 4 == 3 ? "error" : null,
            Destinations = ["nowhere"],
        }).ToList(),
        Destinations = [new AlertDestinationOptions { Name = "nowhere", Url = "https://hooks.example.com/x" }],
    };
}
