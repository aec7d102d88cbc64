namespace TailHub.Sources;

/// <summary>What the first bytes of a file say about it.</summary>
public enum ContentKind
{
    /// <summary>Not a compressed format TailHub knows: tailed as text.</summary>
    Text,
    /// <summary>A compressed file: never tailed as text.</summary>
    Compressed,
    /// <summary>The bytes so far begin a compressed format's signature: wait for more before reading.</summary>
    Undecided,
}

/// <summary>
/// Tells compressed files from text, by name and by their first bytes, so a rotated file compressed by logrotate
/// (<c>app.log.2.gz</c>) is never read as lines of gzip bytes.
/// </summary>
public static class CompressedFile
{
    private static readonly string[] Extensions =
        [".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".lzma", ".lz", ".zst", ".zstd", ".zip", ".lz4", ".7z", ".br", ".z"];

    // Signatures whose bytes cannot begin a line of text. bzip2's "BZh" could, so its block magic is required too.
    private static readonly byte[][] Signatures =
    [
        [0x1F, 0x8B],                               // gzip
        [0x1F, 0x9D],                               // compress (.Z)
        [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00],       // xz
        [0x28, 0xB5, 0x2F, 0xFD],                   // zstd
        [0x50, 0x4B, 0x03, 0x04],                   // zip
        [0x50, 0x4B, 0x05, 0x06],                   // zip, empty
        [0x50, 0x4B, 0x07, 0x08],                   // zip, spanned
        [0x04, 0x22, 0x4D, 0x18],                   // lz4 frame
        [0x02, 0x21, 0x4C, 0x18],                   // lz4 legacy
        [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],       // 7z
    ];

    private static readonly byte[] Bzip2Block = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    private static readonly byte[] Bzip2Empty = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

    /// <summary>Bytes that always suffice for <see cref="Sniff"/> to decide.</summary>
    public const int SignatureBytes = 10;

    /// <summary>Whether the name ends in a compressed format's extension (<c>.gz</c>, <c>.bz2</c>, <c>.xz</c>, <c>.zst</c>, <c>.zip</c>, <c>.lz4</c>, <c>.Z</c>, …).</summary>
    public static bool HasCompressedName(string path)
    {
        foreach (var extension in Extensions)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>What a file starting with <paramref name="head"/> is (its first bytes, as many as there are).</summary>
    public static ContentKind Sniff(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return ContentKind.Undecided;
        var undecided = false;
        foreach (var signature in Signatures)
        {
            switch (Compare(head, signature))
            {
                case ContentKind.Compressed: return ContentKind.Compressed;
                case ContentKind.Undecided: undecided = true; break;
            }
        }
        switch (Bzip2(head))
        {
            case ContentKind.Compressed: return ContentKind.Compressed;
            case ContentKind.Undecided: undecided = true; break;
        }
        return undecided ? ContentKind.Undecided : ContentKind.Text;
    }

    /// <summary>Whether <paramref name="head"/> starts a gzip stream (the one compressed format TailHub reads back).</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => Compare(head, Signatures[0]) == ContentKind.Compressed;

    private static ContentKind Compare(ReadOnlySpan<byte> head, ReadOnlySpan<byte> signature)
    {
        var n = Math.Min(head.Length, signature.Length);
        if (!head[..n].SequenceEqual(signature[..n])) return ContentKind.Text;
        return n == signature.Length ? ContentKind.Compressed : ContentKind.Undecided;
    }

    private static ContentKind Bzip2(ReadOnlySpan<byte> head)
    {
        ReadOnlySpan<byte> magic = "BZh"u8;
        var n = Math.Min(head.Length, magic.Length);
        if (!head[..n].SequenceEqual(magic[..n])) return ContentKind.Text;
        if (head.Length <= 3) return ContentKind.Undecided;
        if (head[3] is < (byte)'1' or > (byte)'9') return ContentKind.Text;
        var block = head[4..];
        var block1 = Compare(block, Bzip2Block);
        var block2 = Compare(block, Bzip2Empty);
        if (block1 == ContentKind.Compressed || block2 == ContentKind.Compressed) return ContentKind.Compressed;
        return block1 == ContentKind.Undecided || block2 == ContentKind.Undecided ? ContentKind.Undecided : ContentKind.Text;
    }
}
