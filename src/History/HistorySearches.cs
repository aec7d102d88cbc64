namespace TailHub.History;

/// <summary>The searches running now, and how each one ended: what shows that a client going away stops its scan.</summary>
public sealed class HistorySearches
{
    private int _running;

    /// <summary>Searches scanning now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Raised when a search stops, with why and how far it got.</summary>
    public event Action<SearchEnd, long>? Ended;

    public void Start() => Interlocked.Increment(ref _running);

    public void End(SearchEnd end, long scannedTo)
    {
        Interlocked.Decrement(ref _running);
        Ended?.Invoke(end, scannedTo);
    }
}
