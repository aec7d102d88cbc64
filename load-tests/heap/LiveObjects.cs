using Microsoft.Diagnostics.Runtime;

namespace TailHub.HeapCensus;

/// <summary>
/// The objects reachable from the GC's roots (stacks, handles, statics, finalizer queue): what a full collection would
/// keep. The rest of the heap is garbage not collected yet, which costs memory but is no viewer's to keep.
/// </summary>
public static class LiveObjects
{
    public static HashSet<ulong> Mark(ClrHeap heap)
    {
        var marked = new HashSet<ulong>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            if (root.Object.Address != 0 && marked.Add(root.Object.Address)) pending.Push(root.Object.Address);
        }
        while (pending.Count > 0)
        {
            var obj = heap.GetObject(pending.Pop());
            if (!obj.IsValid) continue;
            foreach (var reference in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: true))
            {
                if (reference != 0 && marked.Add(reference)) pending.Push(reference);
            }
        }
        return marked;
    }
}
