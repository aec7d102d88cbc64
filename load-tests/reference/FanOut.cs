namespace TailHub.Reference;

/// <summary>The open streams; a batch goes to each in turn from the batching thread.</summary>
public sealed class FanOut
{
    private readonly Lock _lock = new();
    private ViewerConnection[] _viewers = [];

    public int Count => Volatile.Read(ref _viewers).Length;

    public void Add(ViewerConnection viewer)
    {
        lock (_lock) _viewers = [.. _viewers, viewer];
    }

    public void Remove(ViewerConnection viewer)
    {
        lock (_lock) _viewers = Array.FindAll(_viewers, v => !ReferenceEquals(v, viewer));
    }

    public void Send(byte[] frame)
    {
        foreach (var viewer in Volatile.Read(ref _viewers)) viewer.Send(frame);
    }
}
