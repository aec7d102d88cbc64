namespace TailHub.LoadTests;

/// <summary>
/// What one viewer received, by the writer's sequence numbers: a bitmap says which lines arrived, so a second
/// arrival is a duplicate and an unset bit at the end is a missing line. One bit per line keeps 10,000 viewers
/// of a 20 s run in a few hundred MB at most, and recording is a shift, a mask and an add.
/// </summary>
public sealed class ViewerTally(long expectedLines)
{
    private ulong[] _bits = new ulong[(Math.Max(1024, expectedLines) >> 6) + 1];

    public long Distinct { get; private set; }
    public long Duplicates { get; private set; }
    public long MaxSeq { get; private set; }

    /// <summary>Lines the server said this viewer lost (<c>event: gap</c> counts).</summary>
    public long GapLines { get; private set; }
    public long GapEvents { get; private set; }
    public long LineEvents { get; private set; }
    public long Bytes { get; private set; }

    /// <summary>Lines seen with a sequence number that is not a positive number (never expected).</summary>
    public long Malformed { get; private set; }

    public void Line(long seq)
    {
        if (seq <= 0)
        {
            Malformed++;
            return;
        }
        var word = seq >> 6;
        if (word >= _bits.Length) Array.Resize(ref _bits, (int)Math.Max(word + 1, _bits.Length * 2L));
        var mask = 1UL << (int)(seq & 63);
        if ((_bits[word] & mask) != 0)
        {
            Duplicates++;
            return;
        }
        _bits[word] |= mask;
        Distinct++;
        if (seq > MaxSeq) MaxSeq = seq;
    }

    public void Gap(long count)
    {
        GapEvents++;
        GapLines += count;
    }

    public void LinesEvent() => LineEvents++;

    public void Received(int bytes) => Bytes += bytes;

    /// <summary>Lines 1..<paramref name="written"/> that never arrived.</summary>
    public long MissingOf(long written)
    {
        long have = 0;
        var fullWords = written >> 6;
        for (long w = 0; w < Math.Min(fullWords, _bits.Length); w++) have += (long)ulong.PopCount(_bits[w]);
        for (var s = fullWords << 6; s <= written; s++)
        {
            if (s == 0) continue;
            var word = s >> 6;
            if (word < _bits.Length && (_bits[word] & (1UL << (int)(s & 63))) != 0) have++;
        }
        // Bit 0 (seq 0) is never set, so the popcount of the full words counts seqs 1..64*fullWords-1 exactly.
        return written - have;
    }
}
