using System.Text.Json;
using System.Text.Json.Serialization;

namespace TailHub.Sources.Runs;

/// <summary>
/// A source's runs, kept beside their spools in <c>runs.json</c> and saved (temporary file, then rename) on every
/// change, so the list survives restarts. Runs that TailHub itself ran and that were queued or running when it stopped
/// are <c>lost</c> when it starts again: nothing watched how they ended. Runs that go on elsewhere (Jenkins builds)
/// keep their state, to be asked again. Numbers are never given out twice, even after old runs are deleted.
/// </summary>
public sealed class RunLedger
{
    private const int CurrentVersion = 1;
    private const string FileName = "runs.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly List<RunInfo> _runs;
    private int _lastNumber;

    private RunLedger(string path, List<RunInfo> runs, int lastNumber, List<RunInfo> lost)
    {
        _path = path;
        _runs = runs;
        _lastNumber = lastNumber;
        LostAtStart = lost;
    }

    /// <summary>Runs that were going when TailHub last stopped, now <c>lost</c>: their notices are still to be sent.</summary>
    public IReadOnlyList<RunInfo> LostAtStart { get; }

    public string Directory => Path.GetDirectoryName(_path)!;

    /// <summary>Where run <paramref name="number"/>'s output is spooled.</summary>
    public string SpoolPath(int number) => Path.Combine(Directory, $"{number}.log");

    public IReadOnlyList<RunInfo> Runs
    {
        get { lock (_lock) return [.. _runs]; }
    }

    /// <summary>Opens (or starts) the runs list in <paramref name="directory"/>; a file that cannot be used is set aside with a warning.</summary>
    /// <param name="runsOutliveTailHub">The runs go on while TailHub is stopped (Jenkins builds): none is lost at start.</param>
    public static RunLedger Open(string directory, DateTimeOffset now, ILogger logger, string source, bool runsOutliveTailHub = false)
    {
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var saved = Read(path, logger, source);
        var runs = saved?.Runs ?? [];
        var lost = new List<RunInfo>();
        for (var i = 0; i < runs.Count && !runsOutliveTailHub; i++)
        {
            if (!runs[i].IsActive) continue;
            runs[i] = runs[i] with
            {
                State = RunState.Lost,
                EndedAt = now,
                Message = runs[i].State == RunState.Running
                    ? "TailHub stopped while this run was running; how it ended is not known"
                    : "TailHub stopped before this run started",
            };
            lost.Add(runs[i]);
        }
        var ledger = new RunLedger(path, runs, Math.Max(saved?.LastNumber ?? 0, runs.Count == 0 ? 0 : runs.Max(r => r.Number)), lost);
        if (lost.Count > 0) ledger.Save();
        return ledger;
    }

    public RunInfo? Find(int number)
    {
        lock (_lock) return _runs.Find(r => r.Number == number);
    }

    /// <summary>Adds a run under the next number, made by <paramref name="make"/>, and saves.</summary>
    public RunInfo Add(Func<int, RunInfo> make)
    {
        lock (_lock)
        {
            var run = make(++_lastNumber);
            _runs.Add(run);
            Save();
            return run;
        }
    }

    /// <summary>Adds or replaces the run numbered elsewhere (a Jenkins build number), in number order, and saves.</summary>
    public void Put(RunInfo run)
    {
        lock (_lock)
        {
            var i = _runs.FindIndex(r => r.Number >= run.Number);
            if (i >= 0 && _runs[i].Number == run.Number) _runs[i] = run;
            else _runs.Insert(i < 0 ? _runs.Count : i, run);
            _lastNumber = Math.Max(_lastNumber, run.Number);
            Save();
        }
    }

    /// <summary>Replaces the run with the same number and saves.</summary>
    public void Update(RunInfo run)
    {
        lock (_lock)
        {
            var i = _runs.FindIndex(r => r.Number == run.Number);
            if (i < 0) return;
            _runs[i] = run;
            Save();
        }
    }

    /// <summary>Forgets the oldest ended runs beyond <paramref name="keep"/>, returning them (their spools are the caller's to delete).</summary>
    public List<RunInfo> Trim(int keep)
    {
        lock (_lock)
        {
            var ended = _runs.Where(r => !r.IsActive).ToList();
            var removed = ended.Take(Math.Max(0, ended.Count - keep)).ToList();
            if (removed.Count == 0) return removed;
            _runs.RemoveAll(removed.Contains);
            Save();
            return removed;
        }
    }

    private void Save()
    {
        var temp = _path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(new Saved(CurrentVersion, _lastNumber, _runs), Json));
        File.Move(temp, _path, overwrite: true);
    }

    private static Saved? Read(string path, ILogger logger, string source)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllBytes(path), Json);
            if (saved is { Version: CurrentVersion, Runs: not null } && saved.Runs.All(r => r.Number > 0)) return saved;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
        }
        var aside = path + ".set-aside";
        File.Move(path, aside, overwrite: true);
        logger.LogWarning("Source {Source}: {Path} could not be used; moved to {Aside}; the runs list starts empty", source, path, aside);
        return null;
    }

    private sealed record Saved(int Version, int LastNumber, List<RunInfo> Runs);
}
