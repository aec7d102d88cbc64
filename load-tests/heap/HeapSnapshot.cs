using Microsoft.Diagnostics.Runtime;

namespace TailHub.HeapCensus;

/// <summary>
/// One look at a process's managed heap: every object by type (all of them, and only those reachable from a root),
/// and what the GC has committed per kind of segment. Taken with the process suspended, so counts are consistent.
/// </summary>
public sealed class HeapSnapshot
{
    public Dictionary<string, TypeTally> AllByType { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TypeTally> LiveByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Committed bytes per segment kind (gen0/gen1/gen2/large/pinned/frozen).</summary>
    public Dictionary<string, long> CommittedByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Address ranges the GC has committed: memory in these ranges is "GC heap" in the process map.</summary>
    public List<(ulong Start, ulong End)> CommittedRanges { get; } = [];

    /// <summary>Stacks of the managed threads (their committed part shows up as anonymous memory).</summary>
    public List<(ulong Low, ulong High)> ThreadStacks { get; } = [];

    /// <summary>For a few shared types (String, Lock, ...): the types of the live objects that point at them, counted.</summary>
    public Dictionary<string, TypeTally> Referrers { get; } = new(StringComparer.Ordinal);

    /// <summary>Live strings by their first 48 characters: which strings each viewer adds.</summary>
    public Dictionary<string, TypeTally> LiveStrings { get; } = new(StringComparer.Ordinal);

    public int ManagedThreads { get; private set; }
    public long AllBytes => AllByType.Values.Sum(t => t.Bytes);
    public long LiveBytes => LiveByType.Values.Sum(t => t.Bytes);

    public static HeapSnapshot Take(int pid, IReadOnlySet<string> referredTypes)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        var clr = target.ClrVersions.Single();
        // The DAC that matches the runtime is the one installed beside it. ClrMD reads this runtime's version as 0.0
        // here and so refuses every DAC as mismatched: take the one from the runtime's own folder and skip that check.
        var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
        using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
        var heap = runtime.Heap;
        if (!heap.CanWalkHeap) throw new InvalidOperationException("The heap cannot be walked right now (a GC is in progress); try again.");
        var snapshot = new HeapSnapshot();

        foreach (var segment in heap.Segments)
        {
            var kind = segment.Kind.ToString();
            snapshot.CommittedByKind[kind] = snapshot.CommittedByKind.GetValueOrDefault(kind) + (long)segment.CommittedMemory.Length;
            snapshot.CommittedRanges.Add((segment.CommittedMemory.Start, segment.CommittedMemory.End));
        }
        foreach (var thread in runtime.Threads)
        {
            if (!thread.IsAlive) continue;
            snapshot.ManagedThreads++;
            if (thread.StackBase != 0 && thread.StackLimit != 0)
                snapshot.ThreadStacks.Add((Math.Min(thread.StackBase, thread.StackLimit), Math.Max(thread.StackBase, thread.StackLimit)));
        }

        foreach (var obj in heap.EnumerateObjects())
        {
            if (!obj.IsValid) continue;
            Add(snapshot.AllByType, obj);
        }
        foreach (var address in LiveObjects.Mark(heap))
        {
            var obj = heap.GetObject(address);
            if (!obj.IsValid) continue;
            Add(snapshot.LiveByType, obj);
            if (obj.Type?.IsString == true)
            {
                var text = obj.AsString(48) ?? "";
                if (!snapshot.LiveStrings.TryGetValue(text, out var tally)) snapshot.LiveStrings[text] = tally = new TypeTally();
                tally.Count++;
                tally.Bytes += (long)obj.Size;
            }
            if (referredTypes.Count == 0) continue;
            foreach (var reference in obj.EnumerateReferences(carefully: false, considerDependantHandles: false))
            {
                if (reference.Type?.Name is { } referred && referredTypes.Contains(referred))
                {
                    var key = $"{referred} ← {obj.Type?.Name}";
                    if (!snapshot.Referrers.TryGetValue(key, out var tally)) snapshot.Referrers[key] = tally = new TypeTally();
                    tally.Count++;
                    tally.Bytes += (long)reference.Size;
                }
            }
        }
        return snapshot;
    }

    private static void Add(Dictionary<string, TypeTally> tallies, ClrObject obj)
    {
        var name = obj.Type?.Name ?? "<unknown>";
        if (!tallies.TryGetValue(name, out var tally)) tallies[name] = tally = new TypeTally();
        tally.Count++;
        tally.Bytes += (long)obj.Size;
    }
}
