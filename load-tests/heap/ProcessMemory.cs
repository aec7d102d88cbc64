using System.Globalization;

namespace TailHub.HeapCensus;

/// <summary>
/// A process's resident memory (RSS) split by what holds it, from <c>/proc/&lt;pid&gt;/smaps</c>: the GC's committed
/// ranges, managed threads' stacks, glibc's main heap, other anonymous memory (malloc arenas, native thread stacks,
/// the runtime's own data, JIT code), and mapped files (the runtime, assemblies). Socket buffers are kernel memory and
/// never in RSS.
/// </summary>
public sealed class ProcessMemory
{
    public const string GcHeap = "GC heap (committed ranges)";
    public const string GcReserve = "GC reserve outside live segments (free regions, bookkeeping)";
    public const string ManagedStacks = "managed thread stacks";
    public const string MallocHeap = "native [heap] (glibc main arena)";
    public const string Anonymous = "other anonymous (malloc arenas, native stacks, runtime, JIT)";
    public const string Files = "mapped files (runtime, assemblies)";

    public Dictionary<string, long> RssKbByKind { get; } = new(StringComparer.Ordinal);
    public long RssKb { get; private init; }
    public int Threads { get; private init; }

    public static ProcessMemory Read(int pid, HeapSnapshot heap)
    {
        var byKind = new Dictionary<string, long>(StringComparer.Ordinal);
        string kind = Anonymous;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (IsMappingHeader(line, out var start, out var end, out var path))
            {
                kind = Classify(start, end, path, heap);
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                byKind[kind] = byKind.GetValueOrDefault(kind) + ParseKb(line);
            }
        }
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = ParseKb(line);
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = (int)ParseKb(line);
        }
        var memory = new ProcessMemory { RssKb = rss, Threads = threads };
        foreach (var (k, v) in byKind) memory.RssKbByKind[k] = v;
        return memory;
    }

    private static string Classify(ulong start, ulong end, string path, HeapSnapshot heap)
    {
        if (path == "[heap]") return MallocHeap;
        if (path.Length > 0 && path[0] == '/') return Files;
        foreach (var (s, e) in heap.CommittedRanges) if (s < end && e > start) return GcHeap;
        foreach (var (low, high) in heap.ThreadStacks) if (low < end && high > start) return ManagedStacks;
        // Regions are carved out of one reservation: committed memory between them is the GC's, not a viewer object's.
        if (heap.CommittedRanges.Count > 0 && start >= heap.CommittedRanges.Min(r => r.Start) && end <= heap.CommittedRanges.Max(r => r.End)) return GcReserve;
        return Anonymous;
    }

    // "7f12a0000000-7f12a4000000 rw-p 00000000 00:00 0    [path]"; the other lines are "Key: value".
    private static bool IsMappingHeader(string line, out ulong start, out ulong end, out string path)
    {
        start = end = 0;
        path = "";
        var dash = line.IndexOf('-');
        var space = line.IndexOf(' ');
        if (dash <= 0 || space <= dash) return false;
        if (!ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out start)) return false;
        if (!ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out end)) return false;
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        path = fields.Length >= 6 ? fields[5].Trim() : "";
        return true;
    }

    private static long ParseKb(string line)
    {
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var kb) ? kb : 0;
    }
}
