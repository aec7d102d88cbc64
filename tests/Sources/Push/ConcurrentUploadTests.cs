using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary>Several writers pushing to one source at once: every line arrives once, whole, and in its writer's order.</summary>
public sealed class ConcurrentUploadTests
{
    private const int Writers = 10;
    private const int LinesEach = 1000;

    [Fact]
    public async Task Ten_concurrent_curl_uploads_deliver_every_line_exactly_once_and_never_mix_inside_a_line()
    {
        await using var server = await TailHubServer.StartWithPushAsync("build");
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=build&backlog=0");
        var url = new Uri(server.BaseAddress, "/api/sources/build/lines");

        var uploads = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await using var curl = CurlUpload.Start(url);
            var text = new StringBuilder();
            for (var i = 0; i < LinesEach; i++) text.Append($"writer {w} line {i} {new string((char)('a' + w), 40 + i % 50)}\n");
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            // Chunks of odd sizes, so nearly every write ends inside a line and the next one finishes it.
            var random = new Random(w);
            for (var at = 0; at < bytes.Length;)
            {
                var size = Math.Min(bytes.Length - at, random.Next(1, 700));
                await curl.WriteAsync(bytes[at..(at + size)]);
                at += size;
                await Task.Yield();
            }
            return await curl.FinishJsonAsync();
        })).ToList();
        var answers = await Task.WhenAll(uploads);
        var lines = await viewer.ReadLinesAsync("build", Writers * LinesEach, TimeSpan.FromSeconds(60));

        Assert.All(answers, a => Assert.Equal(LinesEach, a.GetProperty("lines").GetInt64()));
        var texts = lines.Select(l => l.GetProperty("text").GetString()!).ToList();
        Assert.Equal(Writers * LinesEach, texts.Count);
        Assert.Equal(texts.Count, texts.Distinct().Count());
        for (var w = 0; w < Writers; w++)
        {
            var writer = w;
            var expected = Enumerable.Range(0, LinesEach).Select(i => $"writer {writer} line {i} {new string((char)('a' + writer), 40 + i % 50)}");
            Assert.Equal(expected, texts.Where(t => t.StartsWith($"writer {writer} ", StringComparison.Ordinal)));
        }
        Assert.Equal(Enumerable.Range(1, Writers * LinesEach).Select(i => (long)i), lines.Select(l => l.GetProperty("seq").GetInt64()));
    }
}
