using TailHub.Pipeline;

namespace TailHub.Sources;

/// <summary>
/// A source of lines, whatever it reads: tailed files, a Jenkins console, lines pushed over HTTP. Every kind
/// implements this one contract and writes into its hub through the <see cref="SourceWriter"/> it is given; what
/// only some kinds can do (accept pushed lines, trigger builds, report files) is a separate interface the endpoints
/// ask for, so nothing outside a kind's folder needs to know which kind it is.
/// </summary>
public interface ISource
{
    /// <summary>The configured name, also the SSE event name of its lines.</summary>
    string Name { get; }

    /// <summary>The configured <c>Type</c>: <c>file</c>, <c>jenkins</c>, <c>push</c>.</summary>
    string Kind { get; }

    /// <summary>What it reads, for people: a path or glob, a job's URL, how lines are pushed to it.</summary>
    string Target { get; }

    /// <summary>What it is doing now; replaced as a whole on every change.</summary>
    SourceStatus Status { get; }

    /// <summary>What it has read so far.</summary>
    SourceCounters Counters { get; }

    /// <summary>Reads until <paramref name="cancellationToken"/> ends the application, writing everything through <paramref name="writer"/>.</summary>
    Task RunAsync(SourceWriter writer, CancellationToken cancellationToken);
}
