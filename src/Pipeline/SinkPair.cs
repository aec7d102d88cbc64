namespace TailHub.Pipeline;

/// <summary>Two sinks fed the same chunks in order; the hub waits while either is full.</summary>
public sealed class SinkPair(ISequencedRecordSink first, ISequencedRecordSink second) : ISequencedRecordSink
{
    public void Publish(SourceRecord[] records)
    {
        first.Publish(records);
        second.Publish(records);
    }

    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        await first.WaitForRoomAsync(cancellationToken);
        await second.WaitForRoomAsync(cancellationToken);
    }
}
