using System.Security.Cryptography;
using System.Text.Json;
using TailHub.Sources;

namespace TailHub.Pipeline.State;

/// <summary>
/// Where one source's state lives between runs (<c>{DataDirectory}/sources/{name}/</c>): the checkpoint and the
/// journal log it vouches for. Written as Vector's checkpointer writes: versioned, to a temporary file, then renamed
/// over the old one. State that cannot be used (corrupt, another version, another source's or kind's) is reported,
/// moved aside and replaced by a new sequence with a new epoch; it never stops TailHub.
/// </summary>
public sealed class SourceStateStore : IDisposable
{
    private const string CheckpointFile = "checkpoint.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string _source;
    private readonly string _kind;
    private readonly int _maxJournalEntries;
    private readonly TimeProvider _time;
    private JournalLog _log;
    private long _savedSeq = -1;

    private SourceStateStore(string directory, string source, string kind, int maxJournalEntries, TimeProvider time, JournalLog log,
        string epoch, long lastSeq, IReadOnlyList<JournalEntry> entries, IReadOnlyList<FilePosition> positions)
    {
        Directory = directory;
        _source = source;
        _kind = kind;
        _maxJournalEntries = maxJournalEntries;
        _time = time;
        _log = log;
        Epoch = epoch;
        LastSeq = lastSeq;
        Entries = entries;
        Positions = positions;
    }

    public string Directory { get; }

    /// <summary>Names this source's sequence; new whenever the sequence starts over.</summary>
    public string Epoch { get; }

    /// <summary>The last sequence number of the restored state (0 for a new one).</summary>
    public long LastSeq { get; }

    /// <summary>The journal as it was saved, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Entries { get; }

    /// <summary>How far each file was numbered when the state was saved.</summary>
    public IReadOnlyList<FilePosition> Positions { get; }

    /// <summary>When the restored state was saved; null for a new one.</summary>
    public DateTimeOffset? SavedAt { get; private init; }

    public static SourceStateStore Open(string directory, string source, string kind, int maxJournalEntries, TimeProvider time, ILogger logger)
    {
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, CheckpointFile);
        if (File.Exists(path))
        {
            var (checkpoint, problem) = Load(path, source, kind);
            var entries = checkpoint is null ? null : JournalLog.Read(directory, checkpoint.JournalGeneration, checkpoint.JournalBytes);
            if (checkpoint is not null && entries is null) problem = $"its journal {JournalLog.FileName(checkpoint.JournalGeneration)} does not match it";
            if (checkpoint is not null && entries is not null)
            {
                var positions = checkpoint.Positions
                    .Select(p => FileIdentity.TryParse(p.Identity, out var id) ? new FilePosition(new FileRef(p.Path, id, p.Spooled), p.Offset) : null)
                    .OfType<FilePosition>()
                    .ToList();
                var log = JournalLog.Open(directory, checkpoint.JournalGeneration, checkpoint.JournalBytes, checkpoint.JournalLines);
                DeleteOtherGenerations(directory, checkpoint.JournalGeneration);
                return new SourceStateStore(directory, source, kind, maxJournalEntries, time, log, checkpoint.Epoch, checkpoint.LastSeq, entries, positions) { _savedSeq = checkpoint.LastSeq, SavedAt = checkpoint.SavedAt };
            }
            var aside = SetAside(directory, time);
            logger.LogWarning("Source {Source}: its saved state could not be used ({Problem}); moved to {Aside} and starting a new sequence (viewers resuming from before get a server-restarted gap)",
                source, problem, aside);
        }
        DeleteOtherGenerations(directory, keep: -1);
        var fresh = JournalLog.Create(directory, 1, []);
        var epoch = NewEpoch();
        // The epoch is saved before anything is numbered: a crash before the first checkpoint must not start a new
        // sequence under viewers who already hold cursors into this one.
        WriteCheckpoint(directory, new SourceCheckpoint(SourceCheckpoint.CurrentVersion, source, kind, epoch, 0, fresh.Generation, fresh.Flush(), fresh.Lines, [], time.GetUtcNow()));
        return new SourceStateStore(directory, source, kind, maxJournalEntries, time, fresh, epoch, 0, [], []) { _savedSeq = 0 };
    }

    /// <summary>Persists a journal entry as the journal makes it.</summary>
    public void Append(JournalEntry entry) => _log.Append(entry);

    /// <summary>
    /// Saves a checkpoint of <paramref name="journal"/> when it moved since the last one (or always, with
    /// <paramref name="force"/>); the log is compacted first when it has grown far past what the journal keeps.
    /// </summary>
    public void Save(SourceJournal journal, bool force = false)
    {
        var lastSeq = journal.LastSeq;
        if (!force && lastSeq == _savedSeq) return;
        if (_log.Lines > 2L * _maxJournalEntries + 1024)
        {
            var old = _log;
            _log = JournalLog.Create(Directory, old.Generation + 1, journal.Entries());
            old.Dispose();
        }
        var bytes = _log.Flush();
        var positions = journal.Positions()
            .Select(p => new CheckpointPosition(p.File.Path, p.File.Identity.ToString(), p.File.Spooled, p.Offset))
            .ToList();
        var checkpoint = new SourceCheckpoint(SourceCheckpoint.CurrentVersion, _source, _kind, Epoch, lastSeq, _log.Generation, bytes, _log.Lines, positions, _time.GetUtcNow());
        WriteCheckpoint(Directory, checkpoint);
        _savedSeq = lastSeq;
        DeleteOtherGenerations(Directory, _log.Generation);
    }

    private static void WriteCheckpoint(string directory, SourceCheckpoint checkpoint)
    {
        var path = Path.Combine(directory, CheckpointFile);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, checkpoint, Json);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static (SourceCheckpoint? Checkpoint, string? Problem) Load(string path, string source, string kind)
    {
        SourceCheckpoint? checkpoint;
        try
        {
            using var stream = File.OpenRead(path);
            checkpoint = JsonSerializer.Deserialize<SourceCheckpoint>(stream, Json);
        }
        catch (JsonException e)
        {
            return (null, $"{CheckpointFile} is not valid: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{CheckpointFile} cannot be read: {e.Message}");
        }
        if (checkpoint is null) return (null, $"{CheckpointFile} is empty");
        if (checkpoint.Version != SourceCheckpoint.CurrentVersion) return (null, $"{CheckpointFile} is version {checkpoint.Version}, not {SourceCheckpoint.CurrentVersion}");
        if (!string.Equals(checkpoint.Source, source, StringComparison.OrdinalIgnoreCase)) return (null, $"{CheckpointFile} belongs to source '{checkpoint.Source}'");
        if (!string.Equals(checkpoint.Kind, kind, StringComparison.OrdinalIgnoreCase)) return (null, $"{CheckpointFile} is of a {checkpoint.Kind} source, and this one is {kind}");
        if (string.IsNullOrEmpty(checkpoint.Epoch) || checkpoint.LastSeq < 0 || checkpoint.JournalBytes < 0 || checkpoint.Positions is null)
            return (null, $"{CheckpointFile} is incomplete");
        return (checkpoint, null);
    }

    private static string SetAside(string directory, TimeProvider time)
    {
        var aside = Path.Combine(directory, "set-aside-" + time.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(aside);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (name == CheckpointFile || (name.StartsWith("journal-", StringComparison.Ordinal) && name.EndsWith(".ndjson", StringComparison.Ordinal)))
                File.Move(file, Path.Combine(aside, name));
        }
        return aside;
    }

    private static void DeleteOtherGenerations(string directory, int keep)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "journal-*.ndjson"))
        {
            if (Path.GetFileName(file) != JournalLog.FileName(keep)) File.Delete(file);
        }
    }

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public void Dispose() => _log.Dispose();
}
