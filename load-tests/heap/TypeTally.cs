namespace TailHub.HeapCensus;

/// <summary>How many objects of one type, and their bytes (shallow size: the object itself, not what it points at).</summary>
public sealed class TypeTally
{
    public long Count { get; set; }
    public long Bytes { get; set; }
}
