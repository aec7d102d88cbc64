using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace TailHub.Sources.Push;

/// <summary>
/// <c>push-state.json</c>, kept open while its source runs: every commit saves the state as one write of one
/// fixed-size record (the JSON, padded with spaces) over the start of the file.
/// </summary>
/// <remarks>
/// A commit saves the state before its lines are published, so the save is on the hot path: replacing the file by a
/// temporary file and a rename makes ext4 write the new file's data out at the rename (and the content root's file
/// watcher sees a rename), hundreds of times a positional write's cost (load-tests/results/REPORT.md). A process
/// that dies leaves either the old record or the new one, never a mix: the record is one <c>write(2)</c> of one
/// small block at a fixed place, and the file never changes length. As before, nothing is fsynced.
/// </remarks>
public sealed class PushStateFile : IDisposable
{
    /// <summary>Room for the state's JSON with every number at its longest.</summary>
    private const int RecordBytes = 256;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _record;

    private PushStateFile(SafeFileHandle handle, byte[] record)
    {
        _handle = handle;
        _record = record;
    }

    /// <summary>Writes <paramref name="state"/> as a whole new file (temporary file, then renamed over the old one) and keeps it open for saving in place.</summary>
    public static PushStateFile Create(string path, PushState state)
    {
        var record = new byte[RecordBytes];
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, Format(state, record));
        File.Move(temp, path, overwrite: true);
        return new PushStateFile(File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read), record);
    }

    /// <summary>Replaces the saved state with <paramref name="state"/>.</summary>
    public void Save(PushState state) => RandomAccess.Write(_handle, Format(state, _record), 0);

    private static byte[] Format(PushState state, byte[] record)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(state);
        if (json.Length > record.Length) throw new InvalidOperationException($"push state is {json.Length} bytes, more than its {record.Length}-byte record");
        json.CopyTo(record, 0);
        record.AsSpan(json.Length).Fill((byte)' ');
        return record;
    }

    public void Dispose() => _handle.Dispose();
}
