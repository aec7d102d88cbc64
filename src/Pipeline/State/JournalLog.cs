using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TailHub.Pipeline.Redaction;
using TailHub.Sources;

namespace TailHub.Pipeline.State;

/// <summary>
/// A source's journal on disk, so sequence numbers stay cursors into the files after a restart: one JSON line per
/// segment or notice, appended as the journal makes it. Only the bytes a checkpoint vouches for are trusted on
/// load (<see cref="SourceCheckpoint.JournalBytes"/>); anything after them was written after the last checkpoint
/// and is cut off, because the source reads those records again.
/// </summary>
/// <remarks>
/// The log only grows; when it holds far more entries than the journal keeps it is rewritten as a new generation
/// (<c>journal-{n}.ndjson</c>), which the next checkpoint names, so a crash in between leaves the old pair intact.
/// </remarks>
public sealed class JournalLog : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly FileStream _stream;
    private long _lines;

    private JournalLog(string path, int generation, FileStream stream, long lines)
    {
        Path = path;
        Generation = generation;
        _stream = stream;
        _lines = lines;
    }

    public string Path { get; }
    public int Generation { get; }

    /// <summary>Entries in the file (kept or trimmed from memory since).</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public static string FileName(int generation) => $"journal-{generation}.ndjson";

    /// <summary>Opens generation <paramref name="generation"/> for appending after its first <paramref name="trustedBytes"/> bytes.</summary>
    public static JournalLog Open(string directory, int generation, long trustedBytes, long lines)
    {
        var path = System.IO.Path.Combine(directory, FileName(generation));
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        if (stream.Length != trustedBytes) stream.SetLength(Math.Min(stream.Length, trustedBytes));
        stream.Seek(0, SeekOrigin.End);
        return new JournalLog(path, generation, stream, lines);
    }

    /// <summary>Writes <paramref name="entries"/> as generation <paramref name="generation"/> from scratch.</summary>
    public static JournalLog Create(string directory, int generation, IEnumerable<JournalEntry> entries)
    {
        var path = System.IO.Path.Combine(directory, FileName(generation));
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        var log = new JournalLog(path, generation, stream, 0);
        foreach (var entry in entries) log.Append(entry);
        log.Flush();
        return log;
    }

    public void Append(JournalEntry entry)
    {
        _stream.Write(JsonSerializer.SerializeToUtf8Bytes(ToDto(entry), Json));
        _stream.WriteByte((byte)'\n');
        Interlocked.Increment(ref _lines);
    }

    /// <summary>Writes what is buffered; returns the file's length, which a checkpoint may now vouch for.</summary>
    public long Flush()
    {
        _stream.Flush();
        return _stream.Length;
    }

    /// <summary>The entries in the first <paramref name="trustedBytes"/> bytes; null when they do not parse.</summary>
    public static List<JournalEntry>? Read(string directory, int generation, long trustedBytes)
    {
        var path = System.IO.Path.Combine(directory, FileName(generation));
        if (!File.Exists(path)) return trustedBytes == 0 ? [] : null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length < trustedBytes) return null;
        var bytes = new byte[trustedBytes];
        stream.ReadExactly(bytes);
        var entries = new List<JournalEntry>();
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (JsonSerializer.Deserialize<EntryDto>(line, Json) is not { } dto || FromDto(dto) is not { } entry) return null;
                entries.Add(entry);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return entries;
    }

    public void Dispose() => _stream.Dispose();

    private sealed record FileDto(
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("id")] string Identity,
        [property: JsonPropertyName("spooled")] bool? Spooled);

    private sealed record NoticeDto(
        [property: JsonPropertyName("kind")] NoticeKind Kind,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("id")] string? Identity,
        [property: JsonPropertyName("run")] RunDto? Run = null);

    /// <summary>What a run notice says about its run (as the stream sends it).</summary>
    private sealed record RunDto(
        [property: JsonPropertyName("number")] int Number,
        [property: JsonPropertyName("state")] RunState State,
        [property: JsonPropertyName("exitCode")] int? ExitCode,
        [property: JsonPropertyName("signal")] string? Signal,
        [property: JsonPropertyName("result")] string? Result = null);

    private sealed record EntryDto(
        [property: JsonPropertyName("seq")] long FirstSeq,
        [property: JsonPropertyName("ts")] long TimestampMs,
        [property: JsonPropertyName("file")] FileDto? File,
        [property: JsonPropertyName("at")] long? Start,
        [property: JsonPropertyName("key")] int? PrivateKeyLines,
        [property: JsonPropertyName("notice")] NoticeDto? Notice,
        [property: JsonPropertyName("cont")] bool? Continues = null);

    private static EntryDto ToDto(JournalEntry e) => new(
        e.FirstSeq,
        e.TimestampMs,
        e.File is { } f ? new FileDto(f.Path, f.Identity.ToString(), f.Spooled ? true : null) : null,
        e.File is null ? null : e.Start,
        e.Redaction.InPrivateKey ? e.Redaction.PrivateKeyLines : null,
        e.Notice is { } n
            ? new NoticeDto(n.Kind, n.Path, n.Message, n.Identity?.ToString(), n.Run is { } r ? new RunDto(r.Number, r.State, r.ExitCode, r.Signal, r.Result) : null)
            : null,
        e.Continues ? true : null);

    private static JournalEntry? FromDto(EntryDto d)
    {
        FileRef? file = null;
        if (d.File is { } f)
        {
            if (!FileIdentity.TryParse(f.Identity, out var identity)) return null;
            file = new FileRef(f.Path, identity, f.Spooled == true);
        }
        SourceNotice? notice = null;
        if (d.Notice is { } n)
        {
            FileIdentity? identity = null;
            if (n.Identity is not null)
            {
                if (!FileIdentity.TryParse(n.Identity, out var parsed)) return null;
                identity = parsed;
            }
            notice = new SourceNotice(n.Kind, n.Path, n.Message, d.TimestampMs, identity)
            {
                Seq = d.FirstSeq,
                Run = n.Run is { } r ? new RunInfo(r.Number, r.State, null, null, r.ExitCode, r.Signal, Result: r.Result) : null,
            };
        }
        var redaction = d.PrivateKeyLines is { } k ? new RedactionState(true, k) : RedactionState.Start;
        return new JournalEntry(d.FirstSeq, d.TimestampMs, file, d.Start ?? 0, notice, redaction, d.Continues == true);
    }
}
