using System.Globalization;
using System.Text;

namespace TailHub.HeapCensus;

/// <summary>Markdown tables: one census, or the difference between two divided by the viewers connected in between.</summary>
public static class CensusReport
{
    public static string One(HeapSnapshot heap, ProcessMemory memory, int top)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"RSS {memory.RssKb / 1024.0:0.0} MB, {memory.Threads} threads ({heap.ManagedThreads} managed); managed heap {Mb(heap.AllBytes)} MB in objects, {Mb(heap.LiveBytes)} MB live");
        s.AppendLine();
        s.AppendLine("| RSS by kind | MB |");
        s.AppendLine("|---|---:|");
        foreach (var (kind, kb) in memory.RssKbByKind.OrderByDescending(p => p.Value)) s.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {kb / 1024.0:0.0} |");
        s.AppendLine();
        s.AppendLine("| GC committed by segment kind | MB |");
        s.AppendLine("|---|---:|");
        foreach (var (kind, bytes) in heap.CommittedByKind.OrderByDescending(p => p.Value)) s.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {Mb(bytes)} |");
        s.AppendLine();
        s.AppendLine("| type (live) | count | bytes |");
        s.AppendLine("|---|---:|---:|");
        foreach (var (name, t) in heap.LiveByType.OrderByDescending(p => p.Value.Bytes).Take(top)) s.AppendLine(CultureInfo.InvariantCulture, $"| `{name}` | {t.Count:N0} | {t.Bytes:N0} |");
        return s.ToString();
    }

    public static string PerViewer(HeapSnapshot before, ProcessMemory memBefore, HeapSnapshot after, ProcessMemory memAfter, int viewers, int top)
    {
        var s = new StringBuilder();
        double PerViewer(long bytes) => bytes / (double)viewers;
        s.AppendLine(CultureInfo.InvariantCulture, $"{viewers:N0} idle viewers: RSS {memBefore.RssKb / 1024.0:0.0} → {memAfter.RssKb / 1024.0:0.0} MB = **{PerViewer((memAfter.RssKb - memBefore.RssKb) * 1024) / 1024:0.00} KB per viewer**; threads {memBefore.Threads} → {memAfter.Threads}");
        s.AppendLine();
        s.AppendLine("| RSS by kind | before MB | after MB | bytes per viewer |");
        s.AppendLine("|---|---:|---:|---:|");
        foreach (var kind in memAfter.RssKbByKind.Keys.Union(memBefore.RssKbByKind.Keys).OrderByDescending(k => memAfter.RssKbByKind.GetValueOrDefault(k) - memBefore.RssKbByKind.GetValueOrDefault(k)))
        {
            var b = memBefore.RssKbByKind.GetValueOrDefault(kind);
            var a = memAfter.RssKbByKind.GetValueOrDefault(kind);
            s.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {b / 1024.0:0.0} | {a / 1024.0:0.0} | {PerViewer((a - b) * 1024):N0} |");
        }
        s.AppendLine();
        s.AppendLine("| GC committed by segment kind | before MB | after MB | bytes per viewer |");
        s.AppendLine("|---|---:|---:|---:|");
        foreach (var kind in after.CommittedByKind.Keys.Union(before.CommittedByKind.Keys).Order(StringComparer.Ordinal))
        {
            var b = before.CommittedByKind.GetValueOrDefault(kind);
            var a = after.CommittedByKind.GetValueOrDefault(kind);
            s.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {Mb(b)} | {Mb(a)} | {PerViewer(a - b):N0} |");
        }
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Managed objects: all {Mb(before.AllBytes)} → {Mb(after.AllBytes)} MB ({PerViewer(after.AllBytes - before.AllBytes):N0} B per viewer); live {Mb(before.LiveBytes)} → {Mb(after.LiveBytes)} MB (**{PerViewer(after.LiveBytes - before.LiveBytes):N0} B per viewer**)");
        s.AppendLine();
        s.AppendLine("| type (live, reachable from a root) | objects per viewer | bytes per viewer |");
        s.AppendLine("|---|---:|---:|");
        var rows = Diff(before.LiveByType, after.LiveByType).OrderByDescending(r => r.Bytes).ToList();
        foreach (var r in rows.Take(top)) s.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Name}` | {r.Count / (double)viewers:0.00} | {PerViewer(r.Bytes):N0} |");
        var rest = rows.Skip(top).ToList();
        if (rest.Count > 0) s.AppendLine(CultureInfo.InvariantCulture, $"| {rest.Count} other types | {rest.Sum(r => r.Count) / (double)viewers:0.00} | {PerViewer(rest.Sum(r => r.Bytes)):N0} |");
        s.AppendLine();
        if (after.Referrers.Count > 0)
        {
            s.AppendLine("| shared type ← live type pointing at it | references per viewer | bytes per viewer |");
            s.AppendLine("|---|---:|---:|");
            foreach (var r in Diff(before.Referrers, after.Referrers).Where(r => r.Count > viewers / 20).OrderBy(r => r.Name.Split(' ')[0], StringComparer.Ordinal).ThenByDescending(r => r.Bytes))
                s.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Name}` | {r.Count / (double)viewers:0.00} | {PerViewer(r.Bytes):N0} |");
            s.AppendLine();
        }
        s.AppendLine("| live string (first 48 chars) | per viewer | bytes per viewer |");
        s.AppendLine("|---|---:|---:|");
        foreach (var r in Diff(before.LiveStrings, after.LiveStrings).Where(r => r.Count > viewers / 20).OrderByDescending(r => r.Bytes).Take(top))
            s.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Name.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)}` | {r.Count / (double)viewers:0.00} | {PerViewer(r.Bytes):N0} |");
        s.AppendLine();
        s.AppendLine("| type (dead: garbage not yet collected) | objects per viewer | bytes per viewer |");
        s.AppendLine("|---|---:|---:|");
        var dead = Diff(Dead(before), Dead(after)).OrderByDescending(r => r.Bytes).ToList();
        foreach (var r in dead.Take(top / 2)) s.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Name}` | {r.Count / (double)viewers:0.00} | {PerViewer(r.Bytes):N0} |");
        return s.ToString();
    }

    private static Dictionary<string, TypeTally> Dead(HeapSnapshot heap)
    {
        var dead = new Dictionary<string, TypeTally>(StringComparer.Ordinal);
        foreach (var (name, all) in heap.AllByType)
        {
            var live = heap.LiveByType.GetValueOrDefault(name);
            dead[name] = new TypeTally { Count = all.Count - (live?.Count ?? 0), Bytes = all.Bytes - (live?.Bytes ?? 0) };
        }
        return dead;
    }

    private static IEnumerable<(string Name, long Count, long Bytes)> Diff(Dictionary<string, TypeTally> before, Dictionary<string, TypeTally> after)
    {
        foreach (var name in after.Keys.Union(before.Keys))
        {
            var a = after.GetValueOrDefault(name);
            var b = before.GetValueOrDefault(name);
            yield return (name, (a?.Count ?? 0) - (b?.Count ?? 0), (a?.Bytes ?? 0) - (b?.Bytes ?? 0));
        }
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
