using System.Text;
using System.Text.RegularExpressions;

namespace TailHub.Tests.Support;

/// <summary>
/// One build of the fake Jenkins: a raw log (console notes included, as Jenkins stores it) that grows, a state, and a
/// script that grows it by one step each time its console is polled — so tests get partial lines and large bursts
/// at poll time deterministically, without sleeping.
/// </summary>
public sealed partial class FakeJenkinsBuild(int number, long queueId, long timestamp)
{
    private readonly Lock _gate = new();
    private readonly List<byte> _log = [];
    private readonly Queue<Action<FakeJenkinsBuild>> _script = new();
    private readonly Queue<byte[]> _growDuringRequest = new();

    public enum RunState { Building, PostProduction, Completed }

    public int Number { get; } = number;
    public long QueueId { get; } = queueId;
    public long Timestamp { get; } = timestamp;
    public RunState State { get; private set; } = RunState.Building;
    public string? Result { get; private set; }

    /// <summary>The log file is missing: Jenkins then answers size 0 and more data forever.</summary>
    public bool LogMissing { get; set; }

    public int ConsolePolls { get; private set; }

    public void Append(string text) => Append(Encoding.UTF8.GetBytes(text));

    public void Append(byte[] bytes)
    {
        lock (_gate) _log.AddRange(bytes);
    }

    /// <summary>Writes the <c>Finished:</c> line and completes the build, as Jenkins does after post-production.</summary>
    public void Finish(string result = "SUCCESS")
    {
        lock (_gate)
        {
            Result = result;
            _log.AddRange(Encoding.UTF8.GetBytes($"Finished: {result}\n"));
            State = RunState.Completed;
        }
    }

    public void EnterPostProduction(string result)
    {
        lock (_gate)
        {
            Result = result;
            State = RunState.PostProduction;
        }
    }

    /// <summary>Each console poll runs the next step after its answer is computed; after the last, the build finishes.</summary>
    public FakeJenkinsBuild Script(IEnumerable<string> chunks, string result = "SUCCESS") =>
        Script(chunks.Select(c => Encoding.UTF8.GetBytes(c)), result);

    public FakeJenkinsBuild Script(IEnumerable<byte[]> chunks, string result = "SUCCESS")
    {
        lock (_gate)
        {
            foreach (var chunk in chunks) _script.Enqueue(b => b.Append(chunk));
            _script.Enqueue(b => b.Finish(result));
        }
        return this;
    }

    /// <summary>Bytes appended between reading the log's size and reading its content, as when an agent writes during a request.</summary>
    public void GrowDuringNextRequest(byte[] bytes)
    {
        lock (_gate) _growDuringRequest.Enqueue(bytes);
    }

    public byte[] Snapshot()
    {
        lock (_gate) return [.. _log];
    }

    internal void GrowMidRequest()
    {
        lock (_gate) if (_growDuringRequest.TryDequeue(out var bytes)) _log.AddRange(bytes);
    }

    internal void Polled()
    {
        Action<FakeJenkinsBuild>? step;
        lock (_gate)
        {
            ConsolePolls++;
            _script.TryDequeue(out step);
        }
        step?.Invoke(this);
    }

    /// <summary>What <c>consoleText</c> shows: the raw log without console notes.</summary>
    public byte[] ConsoleText() => StripNotes(Snapshot());

    [GeneratedRegex("\x1b\\[8mha:[A-Za-z0-9+/=]*\x1b\\[0m")]
    private static partial Regex Note();

    // Latin-1 maps bytes to chars one to one, so a regex over it edits bytes.
    internal static byte[] StripNotes(byte[] raw) => Encoding.Latin1.GetBytes(Note().Replace(Encoding.Latin1.GetString(raw), ""));

    /// <summary>A console note as Jenkins embeds it (a hyperlink, a [Pipeline] marker).</summary>
    public static string NoteText(string payload) => $"\x1b[8mha:{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload))}\x1b[0m";
}
