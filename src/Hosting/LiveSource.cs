using TailHub.Pipeline;
using TailHub.Pipeline.State;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>
/// One source with its stages: the source → its writer → hub → broadcaster. <see cref="State"/> is where a configured
/// source's epoch and journal outlive the process; a source made at run time (a hub's mirror of an agent's stream)
/// has none: its numbers belong to the agent.
/// </summary>
public sealed record LiveSource(ISource Source, SourceWriter Writer, SourceHub Hub, SseBroadcaster Broadcaster, SourceStateStore? State)
{
    public string Name => Source.Name;
    public string Kind => Source.Kind;
}
