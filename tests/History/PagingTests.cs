using Microsoft.Extensions.DependencyInjection;
using TailHub.Hosting;
using TailHub.Pipeline;
using TailHub.Tests.Support;

namespace TailHub.Tests.History;

/// <summary>
/// <c>GET /api/sources/{name}/lines</c> over a large file that existed before TailHub started: every line, once, in
/// order, page after page in both directions, and a page deep in the file read from near it, not from the start.
/// </summary>
[Collection(BigFileCollection.Name)]
public sealed class PagingTests(BigFileFixture big)
{
    private const int PageLines = 10_000;

    private HttpClient Client => big.Server.Client;

    [Fact]
    public async Task Paging_forward_from_the_first_line_gives_every_line_once_in_order()
    {
        var expected = big.FirstLineSeq;
        var after = 0L;
        while (true)
        {
            var page = await Client.PageAsync("big", $"after={after}&limit={PageLines}");
            Assert.Empty(page.Gaps);
            foreach (var (seq, text) in page.Lines)
            {
                Assert.Equal(expected, seq);
                Assert.Equal(big.TextAt(expected), text);
                expected++;
            }
            after = page.After;
            if (page.AtEnd) break;
        }
        Assert.Equal(big.LastSeq + 1, expected);
    }

    [Fact]
    public async Task Paging_backward_from_the_newest_line_gives_every_line_once_in_reverse_page_order()
    {
        var expected = big.LastSeq;
        var page = await Client.PageAsync("big", $"limit={PageLines}");
        while (true)
        {
            Assert.Empty(page.Gaps);
            foreach (var (seq, text) in page.Lines.Reverse())
            {
                Assert.Equal(expected, seq);
                Assert.Equal(big.TextAt(expected), text);
                expected--;
            }
            if (page.Before is not { } before) break;
            page = await Client.PageAsync("big", $"before={before}&limit={PageLines}");
        }
        Assert.Equal(big.FirstLineSeq - 1, expected);
    }

    [Fact]
    public async Task A_page_deep_in_the_file_is_read_from_near_it_not_from_the_start()
    {
        var journal = (SourceJournal)big.Server.Services.GetRequiredService<LiveSources>().Find("big")!.Hub.Journal;
        var deep = big.LastSeq * 9 / 10;
        var before = journal.BytesReadBack;

        var page = await Client.PageAsync("big", $"from={deep}&to={deep + 999}");

        var read = journal.BytesReadBack - before;
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => deep + i), page.Lines.Select(l => l.Seq));
        Assert.Equal(big.TextAt(deep), page.Lines[0].Text);
        // At most the segment the page starts in (segments are at most 1 MiB) and the page itself: a scan from the start would read 45 MB.
        Assert.InRange(read, 1, 2L * 1024 * 1024 + 256 * 1024);
        Assert.True(read < big.FileBytes / 20, $"read {read} bytes of a {big.FileBytes}-byte file");
    }
}
