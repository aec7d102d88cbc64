using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace TailHub.Sources;

/// <summary>
/// A file that lines are read back from at the byte offsets they had when they were read live: the file itself, a
/// copy of it, or a gzip file of it decompressed on the way (the same bytes at the same offsets).
/// </summary>
public abstract class ReadBackFile : IDisposable
{
    /// <summary>Reads bytes from <paramref name="offset"/> on; 0 at the end.</summary>
    public abstract int Read(Span<byte> buffer, long offset);

    public abstract void Dispose();
}

/// <summary>A file read where it is.</summary>
internal sealed class PlainReadBack(SafeFileHandle handle) : ReadBackFile
{
    public override int Read(Span<byte> buffer, long offset) => RandomAccess.Read(handle, buffer, offset);

    public override void Dispose() => handle.Dispose();
}

/// <summary>
/// A gzip file, decompressed forwards. Reading back goes forwards too, segment after segment, and a segment starts at
/// most one block behind where the last read ended: the last block is kept, so only an earlier offset starts over.
/// </summary>
internal sealed class GzipReadBack(string path) : ReadBackFile
{
    private const int BlockBytes = 64 * 1024;

    private readonly byte[] _block = new byte[BlockBytes];
    private GZipStream? _stream;
    private long _blockStart;
    private int _blockLength;

    /// <summary>The decompressed start of the gzip file at <paramref name="path"/>, as much of it as fits <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<byte> ReadHead(string path, byte[] buffer)
    {
        using var stream = Decompress(path);
        return buffer.AsSpan(0, stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false));
    }

    public override int Read(Span<byte> buffer, long offset)
    {
        if (_stream is null || offset < _blockStart) Reopen();
        while (offset >= _blockStart + _blockLength)
        {
            _blockStart += _blockLength;
            _blockLength = _stream!.ReadAtLeast(_block, _block.Length, throwOnEndOfStream: false);
            if (_blockLength == 0) return 0;
        }
        var from = (int)(offset - _blockStart);
        var n = Math.Min(buffer.Length, _blockLength - from);
        _block.AsSpan(from, n).CopyTo(buffer);
        return n;
    }

    private void Reopen()
    {
        _stream?.Dispose();
        _stream = Decompress(path);
        _blockStart = 0;
        _blockLength = 0;
    }

    private static GZipStream Decompress(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), CompressionMode.Decompress);

    public override void Dispose() => _stream?.Dispose();
}
