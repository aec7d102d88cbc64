using System.Text.Json;
using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.ScaleOut;

/// <summary>
/// How records travel between TailHub processes: the payload of one Redis stream entry (field <c>d</c>) and the body
/// of an agent's history answer. Compact and binary, as log text is most of it: a version byte, when the entry's
/// first line was read (the agent's clock, Unix ms; 0 when unknown), the record count, then per record a tag and its
/// fields, sequence numbers and timestamps as deltas in 7-bit varints, text as length-prefixed UTF-8.
/// </summary>
/// <remarks>
/// Lines keep their sequence number, time, text, level and stream (stdout/stderr); notices their kind, path, message
/// and run (command and ssh sources); gaps their range and
/// reason. Where a line can be read back from (a file on the agent) stays on the agent: a hub asks it for history.
/// </remarks>
public static class StreamEntryCodec
{
    private const byte Version = 1;
    private const byte LineTag = 0, NoticeTag = 1, GapTag = 2;

    /// <summary>Encodes <paramref name="records"/> (lines, notices, gaps; no runs), read from <paramref name="readAtMs"/>.</summary>
    public static byte[] Encode(IReadOnlyList<SourceRecord> records, long readAtMs)
    {
        using var stream = new MemoryStream(64 + records.Count * 32);
        using var w = new BinaryWriter(stream);
        w.Write(Version);
        w.Write7BitEncodedInt64(Math.Max(0, readAtMs));
        w.Write7BitEncodedInt(records.Count);
        long seq = 0, ts = 0;
        foreach (var record in records)
        {
            var first = SequenceGap.FirstSeqOf(record);
            switch (record)
            {
                case LogLine line:
                    w.Write(LineTag);
                    w.Write7BitEncodedInt64(first - seq);
                    w.Write7BitEncodedInt64(ZigZag(line.TimestampMs - ts));
                    // Level in the low four bits, the process stream (stdout/stderr) above them.
                    w.Write((byte)((byte)line.Level | ((byte)line.Stream << 4)));
                    w.Write7BitEncodedInt(line.Utf8.Length);
                    w.Write(line.Utf8);
                    break;
                case SourceNotice notice:
                    w.Write(NoticeTag);
                    w.Write7BitEncodedInt64(first - seq);
                    w.Write7BitEncodedInt64(ZigZag(notice.TimestampMs - ts));
                    w.Write((byte)notice.Kind);
                    w.Write(notice.Path);
                    w.Write(notice.Message);
                    // A run notice's run (command and ssh sources): rare and small, so JSON.
                    w.Write(notice.Run is { } run ? JsonSerializer.Serialize(run) : "");
                    break;
                case SequenceGap gap:
                    w.Write(GapTag);
                    w.Write7BitEncodedInt64(first - seq);
                    w.Write7BitEncodedInt64(gap.To - gap.From);
                    w.Write7BitEncodedInt64(ZigZag(gap.TimestampMs - ts));
                    w.Write((byte)gap.Reason);
                    break;
                default:
                    throw new ArgumentException($"{record.GetType().Name} records are made into lines before they are encoded", nameof(records));
            }
            seq = record.LastSeq;
            ts = record.TimestampMs;
        }
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>
    /// Decodes a payload. Lines get <paramref name="readTimestamp"/> (a monotonic timestamp on the reader's clock
    /// standing for when the agent read them), so delivery latency is measured from the agent's read.
    /// </summary>
    /// <exception cref="FormatException">Not a payload this version of TailHub wrote.</exception>
    public static List<SourceRecord> Decode(ReadOnlySpan<byte> payload, Func<long, long>? readTimestamp = null)
    {
        try
        {
            return DecodeCore(payload.ToArray(), readTimestamp);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidDataException or OverflowException or JsonException)
        {
            throw new FormatException("not a TailHub stream entry: " + e.Message, e);
        }
    }

    /// <summary>The agent's read time (Unix ms) a payload carries; 0 when unknown.</summary>
    public static long ReadAtMs(ReadOnlySpan<byte> payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload.ToArray()));
        return r.ReadByte() == Version ? r.Read7BitEncodedInt64() : 0;
    }

    private static List<SourceRecord> DecodeCore(byte[] payload, Func<long, long>? readTimestamp)
    {
        using var r = new BinaryReader(new MemoryStream(payload, writable: false));
        var version = r.ReadByte();
        if (version != Version) throw new InvalidDataException($"version {version}, expected {Version}");
        var readAt = r.Read7BitEncodedInt64();
        var read = readAt > 0 && readTimestamp is not null ? readTimestamp(readAt) : 0;
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > payload.Length) throw new InvalidDataException($"{count} records in {payload.Length} bytes");
        var records = new List<SourceRecord>(count);
        long seq = 0, ts = 0;
        for (var i = 0; i < count; i++)
        {
            var tag = r.ReadByte();
            var first = seq + r.Read7BitEncodedInt64();
            SourceRecord record;
            switch (tag)
            {
                case LineTag:
                {
                    ts += UnZigZag(r.Read7BitEncodedInt64());
                    var flags = r.ReadByte();
                    var level = (LineLevel)(flags & 0x0F);
                    var stream = (LineStream)(flags >> 4);
                    if (!Enum.IsDefined(level) || !Enum.IsDefined(stream)) throw new InvalidDataException($"line flags {flags}");
                    var length = r.Read7BitEncodedInt();
                    if (length < 0 || length > payload.Length) throw new InvalidDataException($"a line of {length} bytes");
                    var utf8 = r.ReadBytes(length);
                    if (utf8.Length != length) throw new EndOfStreamException();
                    record = new LogLine(utf8, null, 0, 0, ts) { Level = level, Stream = stream, ReadTimestamp = read, Seq = first };
                    break;
                }
                case NoticeTag:
                {
                    ts += UnZigZag(r.Read7BitEncodedInt64());
                    var kind = (NoticeKind)r.ReadByte();
                    if (!Enum.IsDefined(kind)) throw new InvalidDataException($"notice kind {(int)kind}");
                    var path = r.ReadString();
                    var message = r.ReadString();
                    var run = r.ReadString();
                    record = new SourceNotice(kind, path, message, ts) { Seq = first, Run = run.Length == 0 ? null : JsonSerializer.Deserialize<RunInfo>(run) };
                    break;
                }
                case GapTag:
                {
                    var to = first + r.Read7BitEncodedInt64();
                    ts += UnZigZag(r.Read7BitEncodedInt64());
                    var reason = (GapReason)r.ReadByte();
                    if (!Enum.IsDefined(reason)) throw new InvalidDataException($"gap reason {(int)reason}");
                    record = new SequenceGap(first, to, reason, ts);
                    break;
                }
                default:
                    throw new InvalidDataException($"record tag {tag}");
            }
            records.Add(record);
            seq = record.LastSeq;
        }
        return records;
    }

    private static long ZigZag(long value) => (value << 1) ^ (value >> 63);
    private static long UnZigZag(long value) => (long)((ulong)value >> 1) ^ -(value & 1);
}
