using TailHub.Pipeline;
using System.IO.Compression;
using System.Text;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>Compressed files, known by their name or their first bytes, are never tailed as text.</summary>
public sealed class CompressedFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string P(string name) => _folder.PathOf(name);

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return output.ToArray();
    }

    [Theory]
    [InlineData("app.log.2.gz")]
    [InlineData("app.log.bz2")]
    [InlineData("app.log.xz")]
    [InlineData("app.log.zst")]
    [InlineData("app.log.zip")]
    [InlineData("app.log.lz4")]
    [InlineData("app.log.Z")]
    [InlineData("APP.LOG.GZ")]
    public void A_compressed_formats_extension_is_known_by_name(string name) => Assert.True(CompressedFile.HasCompressedName(name));

    [Theory]
    [InlineData("app.log")]
    [InlineData("app.log.1")]
    [InlineData("app.log-20240101")]
    [InlineData("gzip.log")]
    public void A_log_files_name_is_not_taken_for_a_compressed_one(string name) => Assert.False(CompressedFile.HasCompressedName(name));

    public static TheoryData<string, byte[]> Signatures => new()
    {
        { "gzip", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03] },
        { "compress", [0x1F, 0x9D, 0x90, 0x61, 0x70, 0x70] },
        { "bzip2", [.. "BZh9"u8, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59] },
        { "xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04] },
        { "zstd", [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x0A] },
        { "zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00] },
        { "lz4", [0x04, 0x22, 0x4D, 0x18, 0x64, 0x40] },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void A_compressed_format_is_known_by_its_first_bytes(string format, byte[] head) =>
        Assert.True(CompressedFile.Sniff(head) == ContentKind.Compressed, format);

    [Theory]
    [InlineData("BZh9 is how this line starts\n")]
    [InlineData("PK: nothing compressed here\n")]
    [InlineData("2024-01-01 12:00:00 INFO started\n")]
    public void Text_that_begins_like_a_signature_is_text(string line) =>
        Assert.Equal(ContentKind.Text, CompressedFile.Sniff(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void The_start_of_a_signature_alone_is_undecided() =>
        Assert.Equal(ContentKind.Undecided, CompressedFile.Sniff([0x1F]));

    [Fact]
    public async Task A_rotated_file_compressed_inside_the_glob_is_never_read_as_text()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log*", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "one\ntwo\n");
        await tailer.WaitForLinesAsync(2);

        // logrotate's compress: the rotated file is written compressed beside it, then removed.
        File.Move(P("app.log"), P("app.log.1"));
        File.WriteAllText(P("app.log"), "");
        File.WriteAllBytes(P("app.log.1.gz"), Gzip(File.ReadAllText(P("app.log.1")) + new string('x', 5000) + "\n"));
        File.Delete(P("app.log.1"));
        File.AppendAllText(P("app.log"), "three\n");

        await tailer.WaitForLinesAsync(3);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count == 1, "only the new file followed");
        Assert.Equal(["one", "two", "three"], tailer.Lines);
    }

    [Fact]
    public async Task A_file_named_as_compressed_is_never_tailed_whatever_it_holds()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log*", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        File.WriteAllText(P("app.log.1.gz"), "not compressed after all\n");
        File.AppendAllText(P("app.log"), "text\n");

        await tailer.WaitForLinesAsync(1);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count == 1, "only the text file followed");
        Assert.Equal(["text"], tailer.Lines);
    }

    [Fact]
    public async Task A_compressed_file_with_a_log_files_name_is_known_by_its_first_bytes()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("*.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        // Written the way a compressor writes: created empty, then its first byte alone, then the rest.
        var gzip = Gzip(string.Join("\n", Enumerable.Range(1, 2000).Select(i => $"archived line {i}")));
        using (var archive = new FileStream(P("archive.log"), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
        {
            archive.Flush();
            await Task.Yield();
            archive.Write(gzip, 0, 1);
            archive.Flush();
            await Task.Yield();
            archive.Write(gzip, 1, gzip.Length - 1);
        }
        File.AppendAllText(P("app.log"), "text\n");

        await tailer.WaitForLinesAsync(1);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count == 1, "only the text file followed");
        Assert.Equal(["text"], tailer.Lines);
    }
}
