using TailHub.Pipeline;

namespace TailHub.Hosting;

/// <summary>
/// Something that also receives each source's records once its hub has remembered them, beside the broadcaster (the
/// alert evaluator's queue; an agent's publisher to Redis). A source no tap asks for is fed to its broadcaster alone.
/// </summary>
public interface ISourceTap
{
    /// <summary>The sink for <paramref name="source"/>'s records, or null to leave it alone.</summary>
    ISequencedRecordSink? Attach(LiveSource source);
}
