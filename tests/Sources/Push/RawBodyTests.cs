using System.Net;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary>A raw body goes through the same framing as a file's bytes: invalid UTF-8 repaired, over-long lines cut and marked.</summary>
public sealed class RawBodyTests
{
    [Fact]
    public async Task Invalid_utf8_is_repaired_to_replacement_characters_and_accepted()
    {
        await using var server = await TailHubServer.StartWithPushAsync("build");
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=build&backlog=0");

        using var response = await server.Client.PutAsync("/api/sources/build/lines", new ByteArrayContent([.. "bad "u8, 0xFF, 0xFE, .. " bytes\ncafé\n"u8]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = await viewer.ReadLinesAsync("build", 2);
        Assert.Equal(["bad \uFFFD\uFFFD bytes", "café"], lines.Select(l => l.GetProperty("text").GetString()));
        // Repaired where lines are made, so what the spool keeps (and a restart reads back) is valid UTF-8 too.
        var spool = Directory.GetFiles(server.Folder.PathOf("data"), "spool-*.log", SearchOption.AllDirectories).Single();
        Assert.Equal("bad \uFFFD\uFFFD bytes\ncafé\n"u8.ToArray(), File.ReadAllBytes(spool));
    }

    [Fact]
    public async Task A_100_MB_line_is_cut_with_a_marker_the_next_line_is_whole_and_memory_stays_bounded()
    {
        using var folder = new TempFolder();
        await using var tailhub = await TailHubProcess.StartAsync(folder, "--TailHub:Sources:0:Name=build", "--TailHub:Sources:0:Type=push");
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=build&backlog=0");
        // Warm the upload path up first, so what is compared is the long line alone.
        using (await tailhub.Client.PutAsync("/api/sources/build/lines", new ByteArrayContent("warm-up\n"u8.ToArray()))) { }
        await viewer.ReadLinesAsync("build", 1);
        var before = tailhub.PeakResidentBytes();
        const long lineBytes = 100L * 1024 * 1024;

        using var response = await tailhub.Client.PutAsync("/api/sources/build/lines", new GeneratedBody(lineBytes, (byte)'x', "\nthe next line\n"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = await viewer.ReadLinesAsync("build", 2, TimeSpan.FromSeconds(60));
        var cut = lines[0].GetProperty("text").GetString()!;
        Assert.Equal(new string('x', 65536) + $" … [line cut: {lineBytes - 65536:N0} more bytes]", cut);
        Assert.Equal("the next line", lines[1].GetProperty("text").GetString());
        // Holding the line would take 100 MB at least; the upload passes through a bounded buffer instead.
        var growth = tailhub.PeakResidentBytes() - before;
        Assert.True(growth < 40L * 1024 * 1024, $"peak RSS grew by {growth / 1048576} MiB while a 100 MiB line was pushed");
    }

    /// <summary>A body made as it is sent (<paramref name="bytes"/> of <paramref name="fill"/>, then <paramref name="tail"/>), never held whole by the test either.</summary>
    private sealed class GeneratedBody(long bytes, byte fill, byte[] tail) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, fill);
            for (var left = bytes; left > 0; left -= chunk.Length) await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            await stream.WriteAsync(tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes + tail.Length;
            return true;
        }
    }
}
