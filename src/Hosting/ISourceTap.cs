using TailHub.Pipeline;

namespace TailHub.Hosting;

/// <summary>
/// Something that also receives each source's records once its hub has remembered them, beside the broadcaster (an
/// agent's publisher to Redis). Optional: a standalone TailHub registers none.
/// </summary>
public interface ISourceTap
{
    /// <summary>The sink for <paramref name="source"/>'s records, or null to leave it alone.</summary>
    ISequencedRecordSink? Attach(LiveSource source);
}
