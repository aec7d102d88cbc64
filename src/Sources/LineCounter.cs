using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TailHub.Sources;

/// <summary>
/// Counts lines in a block of bytes at memory speed, for reading in bulk: one vectorised pass that also looks for a
/// marker (where masking would have to go line by line), instead of one pass to count and another to search.
/// </summary>
/// <remarks>
/// Compiled fully optimised on first use: a catch-up often runs right after start-up, before tiered compilation has
/// promoted anything, and this loop is what it spends its time in.
/// </remarks>
public static class LineCounter
{
    /// <summary>The number of <c>\n</c> in <paramref name="block"/>, or -1 when it contains <paramref name="marker"/> (if not empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountUnlessContains(ReadOnlySpan<byte> block, ReadOnlySpan<byte> marker)
    {
        var count = 0;
        var i = 0;
        ref var start = ref MemoryMarshal.GetReference(block);
        if (Vector512.IsHardwareAccelerated)
        {
            var newline = Vector512.Create((byte)'\n');
            var last = Math.Max(0, marker.Length - 1);
            var first = Vector512.Create(marker.IsEmpty ? (byte)'\n' : marker[0]);
            var end = Vector512.Create(marker.IsEmpty ? (byte)'\n' : marker[last]);
            for (; i + last + Vector512<byte>.Count <= block.Length; i += Vector512<byte>.Count)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                count += BitOperations.PopCount(Vector512.Equals(v, newline).ExtractMostSignificantBits());
                if (marker.IsEmpty) continue;
                var candidates = (Vector512.Equals(v, first) & Vector512.Equals(Vector512.LoadUnsafe(ref start, (nuint)(i + last)), end)).ExtractMostSignificantBits();
                while (candidates != 0)
                {
                    if (block[(i + BitOperations.TrailingZeroCount(candidates))..].StartsWith(marker)) return -1;
                    candidates &= candidates - 1;
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var newline = Vector256.Create((byte)'\n');
            if (marker.IsEmpty)
            {
                for (; i + Vector256<byte>.Count <= block.Length; i += Vector256<byte>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                    count += BitOperations.PopCount(Vector256.Equals(v, newline).ExtractMostSignificantBits());
                }
            }
            else
            {
                // As the runtime's substring search does: a candidate has the marker's first byte here and its last
                // byte where it would end; only candidates are compared in full.
                var last = marker.Length - 1;
                var first = Vector256.Create(marker[0]);
                var end = Vector256.Create(marker[last]);
                for (; i + last + Vector256<byte>.Count <= block.Length; i += Vector256<byte>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                    count += BitOperations.PopCount(Vector256.Equals(v, newline).ExtractMostSignificantBits());
                    var candidates = (Vector256.Equals(v, first) & Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + last)), end)).ExtractMostSignificantBits();
                    while (candidates != 0)
                    {
                        if (block[(i + BitOperations.TrailingZeroCount(candidates))..].StartsWith(marker)) return -1;
                        candidates &= candidates - 1;
                    }
                }
            }
        }
        for (; i < block.Length; i++)
        {
            if (block[i] == (byte)'\n') count++;
            else if (!marker.IsEmpty && block[i] == marker[0] && block[i..].StartsWith(marker)) return -1;
        }
        return count;
    }
}
