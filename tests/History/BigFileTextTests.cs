using System.Security.Cryptography;
using System.Text.Json;

namespace TailHub.Tests.History;

/// <summary>Download and search over the large file: its text whole, hits and context right across the blocks it is read in.</summary>
[Collection(BigFileCollection.Name)]
public sealed class BigFileTextTests(BigFileFixture big)
{
    [Fact]
    public async Task The_download_of_a_file_with_nothing_to_mask_is_the_file_byte_for_byte()
    {
        using var response = await big.Server.Client.GetAsync("/api/sources/big/download", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        var downloaded = await SHA256.HashDataAsync(body);

        await using var file = File.OpenRead(big.Path);
        Assert.Equal(Convert.ToHexString(await SHA256.HashDataAsync(file)), Convert.ToHexString(downloaded));
    }

    [Fact]
    public async Task Search_finds_every_hit_with_its_context_across_the_whole_file()
    {
        // Line n is "line {n:D9} …": every 10,000th line.
        var body = await big.Server.Client.GetStringAsync("/api/sources/big/search?limit=1000&context=1&q=" + Uri.EscapeDataString(@"^line \d{5}0000 "));
        var records = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var hits = records.Where(r => r.GetProperty("type").GetString() == "hit").ToList();
        var expected = Enumerable.Range(1, (int)(big.LineCount / 10_000)).Select(i => i * 10_000L).ToList();
        Assert.Equal(expected.Select(n => n + big.FirstLineSeq - 1), hits.Select(h => h.GetProperty("seq").GetInt64()));
        foreach (var (hit, n) in hits.Zip(expected))
        {
            Assert.Equal(BigFileFixture.TextOf(n), hit.GetProperty("text").GetString());
            Assert.Equal([BigFileFixture.TextOf(n - 1)], hit.GetProperty("before").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
            Assert.Equal(n < big.LineCount ? [BigFileFixture.TextOf(n + 1)] : [], hit.GetProperty("after").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
        }
        Assert.Equal("done", records[^1].GetProperty("reason").GetString());
    }
}
