using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// TailHub hot-path micro-benchmarks. Default: a short in-process job (a couple of minutes for all of them) that is
// good enough to compare before/after a change. "--full" uses BenchmarkDotNet's default job for publishable numbers.
// Any other arguments go to BenchmarkDotNet (e.g. --filter '*Encode*').
var full = args.Contains("--full");
var rest = args.Where(a => a != "--full").ToArray();
var job = full
    ? Job.Default
    // In-process: no per-benchmark project generation and build, which alone would take minutes on this machine.
    : Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .WithArtifactsPath(ArtifactsPath())
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.JoinSummary);
if (rest.Length == 0) rest = ["--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(TailHub.Benchmarks.Records).Assembly).Run(rest, config);

// Reports go next to the load tests' own: load-tests/results/benchmarks/ (found from the build output's location).
static string ArtifactsPath()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "TailHub.csproj"))) return Path.Combine(dir.FullName, "load-tests", "results", "benchmarks");
    return Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
}
