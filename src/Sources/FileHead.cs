using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TailHub.Sources;

/// <summary>
/// A fingerprint of a file's first bytes (up to <see cref="MaxBytes"/>): a checksum and how many bytes it covers, as
/// Vector's checksum fingerprinter keeps. It finds a file where its identity cannot: a copy made by copytruncate, or
/// the file after logrotate compressed it (matched against the decompressed head).
/// </summary>
/// <remarks>
/// One per file as it was read (a truncation starts a new one): it grows with the file until it covers
/// <see cref="MaxBytes"/>, and is read by the journal on another thread, so each state is published whole.
/// </remarks>
public sealed class FileHead
{
    /// <summary>How many of a file's first bytes its fingerprint covers at most.</summary>
    public const int MaxBytes = 1024;

    private sealed record Print(int Length, UInt128 Checksum);

    private Print _print = new(0, Checksum([]));

    /// <summary>How many of the file's first bytes the fingerprint covers.</summary>
    public int Length => Volatile.Read(ref _print).Length;

    /// <summary>Whether it covers <see cref="MaxBytes"/>, so the file's later growth cannot change it.</summary>
    public bool IsComplete => Length >= MaxBytes;

    /// <summary>A fingerprint of <paramref name="head"/> (a file's first bytes).</summary>
    public static FileHead Of(ReadOnlySpan<byte> head)
    {
        var fingerprint = new FileHead();
        fingerprint.Update(head);
        return fingerprint;
    }

    /// <summary>Covers <paramref name="head"/>, the file's first bytes as they are now, when they are more than before.</summary>
    public void Update(ReadOnlySpan<byte> head)
    {
        if (head.Length > MaxBytes) head = head[..MaxBytes];
        if (head.Length <= Length) return;
        Volatile.Write(ref _print, new Print(head.Length, Checksum(head)));
    }

    /// <summary>Whether a file starting with <paramref name="candidate"/> starts with the bytes fingerprinted (an empty fingerprint matches nothing).</summary>
    public bool Matches(ReadOnlySpan<byte> candidate)
    {
        var print = Volatile.Read(ref _print);
        return print.Length > 0 && candidate.Length >= print.Length && Checksum(candidate[..print.Length]) == print.Checksum;
    }

    private static UInt128 Checksum(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    public override string ToString() => $"{Length} bytes";
}
