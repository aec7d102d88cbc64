using System.Text.Json;
using System.Text.Json.Serialization;
using TailHub.Pipeline.Redaction;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// One build's console on disk, <c>&lt;number&gt;.log</c>, and beside it <c>&lt;number&gt;.state.json</c>: the raw
/// Jenkins offset reached and the file length that goes with it. The file holds notes-stripped LF text, so its
/// length is not the raw offset; both are saved together, after the bytes are flushed, by an atomic rename. On open,
/// bytes past the saved length (a crash between the two writes) are cut off: they are fetched again, never twice.
/// </summary>
public sealed class JenkinsBuildFile : IDisposable
{
    private readonly FileStream _log;
    private readonly LineRedactor _redactor;
    private State _state;
    private RedactionState _redaction = RedactionState.Start;

    private JenkinsBuildFile(string directory, int number, FileStream log, State state, LineRedactor redactor)
    {
        _redactor = redactor;
        Number = number;
        Path = LogPath(directory, number);
        StatePath = System.IO.Path.Combine(directory, $"{number}.state.json");
        _log = log;
        _state = state;
    }

    public int Number { get; }
    public string Path { get; }
    private string StatePath { get; }

    /// <summary>The raw log offset to ask Jenkins for next.</summary>
    public long RawOffset => _state.RawOffset;
    /// <summary>The whole console is here (Jenkins stopped sending <c>X-More-Data</c>).</summary>
    public bool Complete => _state.Complete;

    /// <summary>Whether build <paramref name="number"/>'s console is already all on disk, without opening it.</summary>
    public static bool IsComplete(string directory, int number) =>
        ReadState(System.IO.Path.Combine(directory, $"{number}.state.json")) is { Complete: true };

    /// <summary>Whether a build with this number was seen before (its start time is recorded).</summary>
    public static bool WasSeen(string directory, int number) =>
        ReadState(System.IO.Path.Combine(directory, $"{number}.state.json")) is { BuildTimestamp: not 0 };

    public static string LogPath(string directory, int number) => System.IO.Path.Combine(directory, $"{number}.log");

    /// <param name="redactor">Masks secrets before they reach the disk: the file is TailHub's copy, and secrets stay in Jenkins.</param>
    public static JenkinsBuildFile Open(string directory, int number, LineRedactor? redactor = null)
    {
        Directory.CreateDirectory(directory);
        var statePath = System.IO.Path.Combine(directory, $"{number}.state.json");
        var state = ReadState(statePath);
        var log = new FileStream(LogPath(directory, number), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        // Only the saved length is backed by a saved offset; anything else is fetched again from where the offset says.
        if (state is null || log.Length < state.FileLength) state = new State(0, 0, false, state?.BuildTimestamp ?? 0);
        if (log.Length != state.FileLength) log.SetLength(state.FileLength);
        log.Seek(0, SeekOrigin.End);
        var file = new JenkinsBuildFile(directory, number, log, state, redactor ?? LineRedactor.None);
        file.SaveState();
        return file;
    }

    /// <summary>Appends console bytes and records the raw offset they bring the file to.</summary>
    /// <remarks>
    /// Secrets are masked line by line on the way to disk. A chunk ends on a line boundary (Jenkins sends complete
    /// lines while a build runs; the last line of a finished build is whole), so no secret is split between two
    /// chunks. The raw offset and the file's length are kept apart, so a masked line changing length does not
    /// disturb resuming.
    /// </remarks>
    public void Append(ReadOnlySpan<byte> console, long nextRawOffset, bool complete)
    {
        var written = 0L;
        if (console.Length > 0)
        {
            var masked = _redactor.Enabled ? Mask(console) : console.ToArray();
            _log.Write(masked);
            _log.Flush(flushToDisk: true);
            written = masked.Length;
        }
        _state = _state with { RawOffset = nextRawOffset, FileLength = _state.FileLength + written, Complete = complete };
        SaveState();
    }

    private byte[] Mask(ReadOnlySpan<byte> console)
    {
        var output = new MemoryStream(console.Length);
        while (!console.IsEmpty)
        {
            var newline = console.IndexOf((byte)'\n');
            var line = newline < 0 ? console : console[..newline];
            var terminator = newline < 0 ? 0 : 1;
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
                terminator++;
            }
            output.Write(_redactor.Redact(line.ToArray(), ref _redaction));
            output.Write(console.Slice(line.Length, terminator));
            console = console[(line.Length + terminator)..];
        }
        return output.ToArray();
    }

    /// <summary>
    /// Records which build this is (its start time). Returns false when the file held another build under the same
    /// number (deleted, and the number given out again): that content is dropped and the console fetched anew.
    /// </summary>
    public bool Identify(long buildTimestamp)
    {
        if (_state.BuildTimestamp == buildTimestamp) return true;
        var replaced = _state.BuildTimestamp != 0;
        if (replaced) Reset();
        _state = _state with { BuildTimestamp = buildTimestamp };
        SaveState();
        return !replaced;
    }

    /// <summary>The log was replaced (Jenkins restarted at 0): start the file over, which the tailer sees as a truncation.</summary>
    public void Reset()
    {
        _log.SetLength(0);
        _log.Seek(0, SeekOrigin.Begin);
        _state = _state with { RawOffset = 0, FileLength = 0, Complete = false };
        SaveState();
    }

    private void SaveState()
    {
        var temp = StatePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, _state);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, StatePath, overwrite: true);
    }

    private static State? ReadState(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<State>(stream);
        }
        catch (FileNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    public void Dispose() => _log.Dispose();

    private sealed record State(
        [property: JsonPropertyName("rawOffset")] long RawOffset,
        [property: JsonPropertyName("fileLength")] long FileLength,
        [property: JsonPropertyName("complete")] bool Complete,
        [property: JsonPropertyName("buildTimestamp")] long BuildTimestamp);
}
