using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.History;

/// <summary>
/// A generated log file of about 50 MB that exists before TailHub starts (so all of it is history, numbered from its
/// first line), and TailHub serving it as source <c>big</c>. Line <c>n</c> reads <c>line {n:D9} …</c>.
/// </summary>
public sealed class BigFileFixture : IAsyncLifetime
{
    public const long TargetBytes = 50L * 1024 * 1024;

    /// <summary>The most hits the options allow one search (a fifth of the file's lines).</summary>
    public const int MaxSearchHits = 100_000;

    public TailHubServer Server { get; private set; } = null!;
    public long LineCount { get; private set; }
    public long FileBytes { get; private set; }
    public string Path { get; private set; } = "";

    public static string TextOf(long n) => $"line {n:D9} {Padding(n)}";

    // Lines of different lengths, so offsets are not a multiple of anything.
    private static string Padding(long n) => new('x', (int)(n * 7919 % 61) + 20);

    public async Task InitializeAsync()
    {
        var folder = new TempFolder();
        var path = folder.PathOf("big.log");
        Path = path;
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
        {
            var n = 0L;
            while (stream.Length < TargetBytes)
            {
                n++;
                stream.Write(Encoding.UTF8.GetBytes(TextOf(n) + "\n"));
            }
            LineCount = n;
            FileBytes = stream.Length;
        }
        Server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["big"] = "big.log" }, new Dictionary<string, string?>
        {
            // A search reports progress at once, and may ask for every line as a hit (SearchCancellationTests).
            ["TailHub:History:SearchProgressInterval"] = "00:00:00.010",
            ["TailHub:History:MaxSearchHits"] = MaxSearchHits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, folder);
        // The source's first record is its "following" notice; the file's lines follow it.
        await Server.WaitForPublishedAsync("big", LineCount + 1);
        var first = await Server.Client.PageAsync("big", "after=0&limit=10");
        FirstLineSeq = first.Lines[0].Seq;
        LastSeq = FirstLineSeq + LineCount - 1;
    }

    /// <summary>The sequence number of the file's first line.</summary>
    public long FirstLineSeq { get; private set; }

    public long LastSeq { get; private set; }

    /// <summary>The text of the line numbered <paramref name="seq"/>.</summary>
    public string TextAt(long seq) => TextOf(seq - FirstLineSeq + 1);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The test classes that share the one big file (generating it is the slow part). They read 50 MB many times over and
/// run a deliberately costly search: alone, so they do not starve the timing-sensitive tests of the rest of the suite.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BigFileCollection : ICollectionFixture<BigFileFixture>
{
    public const string Name = "big file";
}
