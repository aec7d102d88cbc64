using TailHub.Pipeline;
using TailHub.Pipeline.State;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>One configured source with its stages: the source → its writer → hub → broadcaster.</summary>
public sealed record LiveSource(ISource Source, SourceWriter Writer, SourceHub Hub, SseBroadcaster Broadcaster, SourceStateStore State)
{
    public string Name => Source.Name;
    public string Kind => Source.Kind;
}
