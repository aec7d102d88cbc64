using System.Text.Json;
using System.Text.Json.Serialization;
using TailHub.Pipeline;
using TailHub.Pipeline.Spool;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// One build's console as TailHub keeps it: a spool, <c>&lt;number&gt;.log</c>, holding the console's lines masked
/// and framed exactly as viewers got them, and beside it <c>&lt;number&gt;.state.json</c>: the raw Jenkins offset
/// reached and the spool length that goes with it. Both are saved together, after the lines are written, by an
/// atomic rename. On open, spool bytes past the saved length (a crash between the two writes) are cut off: they are
/// fetched again, never twice.
/// </summary>
public sealed class JenkinsBuildFile : IDisposable
{
    private readonly SourceWriter _writer;
    private readonly SpoolFile _spool;
    private LineFramer _framer;
    private State _state;

    private JenkinsBuildFile(string directory, int number, SpoolFile spool, State state, SourceWriter writer)
    {
        Number = number;
        StatePath = System.IO.Path.Combine(directory, $"{number}.state.json");
        _spool = spool;
        _state = state;
        _writer = writer;
        _framer = writer.Framer(null);
    }

    public int Number { get; }
    public string Path => _spool.Path;
    private string StatePath { get; }

    /// <summary>The spool, as the lines read from it name it.</summary>
    public FileRef File => _spool.File;

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

    /// <summary>The newest build whose console is kept here, if any: the one to resume after a restart.</summary>
    public static int? Latest(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        int? latest = null;
        foreach (var file in Directory.EnumerateFiles(directory, "*.state.json"))
        {
            var name = System.IO.Path.GetFileName(file);
            if (int.TryParse(name.AsSpan(0, name.Length - ".state.json".Length), System.Globalization.NumberStyles.None, null, out var n) && (latest is null || n > latest))
                latest = n;
        }
        return latest;
    }

    public static string LogPath(string directory, int number) => System.IO.Path.Combine(directory, $"{number}.log");

    /// <summary>Opens build <paramref name="number"/>'s spool, whose lines go through <paramref name="writer"/> (framed and masked there).</summary>
    public static JenkinsBuildFile Open(string directory, int number, SourceWriter writer)
    {
        Directory.CreateDirectory(directory);
        var statePath = System.IO.Path.Combine(directory, $"{number}.state.json");
        var state = ReadState(statePath);
        var spool = SpoolFile.Open(LogPath(directory, number), state?.FileLength ?? 0);
        // Only the saved length is backed by a saved offset; anything else is fetched again from where the offset says.
        if (state is null || spool.Length < state.FileLength)
        {
            state = new State(0, 0, false, state?.BuildTimestamp ?? 0);
            spool.Clear();
        }
        var file = new JenkinsBuildFile(directory, number, spool, state, writer);
        file.SaveState();
        return file;
    }

    /// <summary>
    /// Frames console bytes into lines (masked before they reach the disk: secrets stay in Jenkins), writes them to
    /// the spool and adds them to the writer, then records the raw offset they bring the build to. A finished
    /// console's last line is complete even without a newline.
    /// </summary>
    public void Append(ReadOnlySpan<byte> console, long nextRawOffset, bool complete)
    {
        if (console.Length > 0) _writer.Spool(_framer, console, _spool);
        if (complete) _writer.FlushPartial(_framer, _spool);
        _state = _state with { RawOffset = nextRawOffset, FileLength = _spool.Length, Complete = complete };
        SaveState();
    }

    /// <summary>Hands over the spool's lines that never got sequence numbers (written just before TailHub stopped).</summary>
    public ValueTask RecoverAsync(CancellationToken cancellationToken) => _writer.RecoverAsync(_spool, cancellationToken);

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

    /// <summary>The log was replaced (Jenkins restarted at 0): start the spool over; what was read from it is gone.</summary>
    public void Reset()
    {
        _spool.Clear();
        _writer.Forget(_spool.File);
        _framer = _writer.Framer(null);
        _writer.Notice(NoticeKind.Truncated, _spool.Path, $"build #{Number}'s log was replaced; reading it from its start", _spool.File.Identity);
        _state = _state with { RawOffset = 0, FileLength = 0, Complete = false };
        SaveState();
    }

    private void SaveState()
    {
        var temp = StatePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, _state);
        }
        System.IO.File.Move(temp, StatePath, overwrite: true);
    }

    private static State? ReadState(string path)
    {
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            return JsonSerializer.Deserialize<State>(stream);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    public void Dispose() => _spool.Dispose();

    private sealed record State(
        [property: JsonPropertyName("rawOffset")] long RawOffset,
        [property: JsonPropertyName("fileLength")] long FileLength,
        [property: JsonPropertyName("complete")] bool Complete,
        [property: JsonPropertyName("buildTimestamp")] long BuildTimestamp);
}
