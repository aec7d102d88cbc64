using System.Globalization;
using TailHub.HeapCensus;

// dotnet artifacts/bin/TailHub.HeapCensus/Release/net10.0/TailHub.HeapCensus.dll census --pid P [--top 40]
// dotnet artifacts/bin/TailHub.HeapCensus/Release/net10.0/TailHub.HeapCensus.dll per-viewer --pid P --url http://127.0.0.1:PORT/ [--viewers 10000]
//     [--query "sources=load&backlog=0"] [--settle-seconds 2] [--top 30] [--referrers "System.String,System.Threading.Lock"]
var options = Options.Parse(args);
var pid = int.Parse(options.Get("--pid") ?? throw new ArgumentException("--pid is required"), CultureInfo.InvariantCulture);
var top = int.Parse(options.Get("--top") ?? "30", CultureInfo.InvariantCulture);
// --referrers "System.String,System.Threading.Lock": which live types point at these, to attribute shared types.
var referred = (options.Get("--referrers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
switch (options.Command)
{
    case "census":
    {
        var heap = HeapSnapshot.Take(pid, referred);
        Console.WriteLine(CensusReport.One(heap, ProcessMemory.Read(pid, heap), top));
        return 0;
    }
    case "per-viewer":
    {
        var url = new Uri(options.Get("--url") ?? throw new ArgumentException("--url is required"));
        var count = int.Parse(options.Get("--viewers") ?? "10000", CultureInfo.InvariantCulture);
        var settle = TimeSpan.FromSeconds(double.Parse(options.Get("--settle-seconds") ?? "2", CultureInfo.InvariantCulture));
        var before = HeapSnapshot.Take(pid, referred);
        var memBefore = ProcessMemory.Read(pid, before);
        await using var viewers = new IdleViewers(url, options.Get("--query") ?? "sources=load&backlog=0");
        await viewers.ConnectAsync(count, concurrency: 64, CancellationToken.None);
        await Task.Delay(settle);
        var after = HeapSnapshot.Take(pid, referred);
        var memAfter = ProcessMemory.Read(pid, after);
        Console.WriteLine(CensusReport.PerViewer(before, memBefore, after, memAfter, viewers.Count, top));
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: census --pid P | per-viewer --pid P --url U [--viewers N]");
        return 2;
}
