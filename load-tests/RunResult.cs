namespace TailHub.LoadTests;

/// <summary>Min, median, max and total of one per-viewer count.</summary>
public sealed record Spread(long Min, long Median, long Max, long Total)
{
    public static readonly Spread Empty = new(0, 0, 0, 0);

    public static Spread Of(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? Empty : new Spread(sorted[0], sorted[sorted.Length / 2], sorted[^1], sorted.Sum());
    }
}

/// <summary>Server or client resource use over the measured window (writing plus drain).</summary>
public sealed record ProcessUse(double CpuSeconds, double CpuPercentOfOneCore, double PeakRssMb, double ContextSwitchesPerSecond = 0, int Threads = 0);

/// <summary>Everything one run measured. Field names are the JSON report's; the Markdown report explains them.</summary>
public sealed record RunResult
{
    public required string Name { get; init; }

    /// <summary>The <c>--against</c> label of the server this run measured (reference, tailhub or a variant).</summary>
    public string? Target { get; init; }

    /// <summary>The machine's 1-minute load average when the run started: on a shared machine, how much else was running.</summary>
    public double? LoadAverage { get; init; }
    public required int Viewers { get; init; }
    public required double RateLinesPerSecond { get; init; }
    public required double DurationSeconds { get; init; }
    public required int LineBytes { get; init; }
    public int StalledViewers { get; init; }
    public bool ReconnectStorm { get; init; }
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    public required ConnectSummary Connect { get; init; }
    public ConnectSummary? Reconnect { get; init; }

    public required long LinesWritten { get; init; }
    public required double WriteRateAchieved { get; init; }
    public required double WriterMaxLagMs { get; init; }

    /// <summary>Per healthy (not stalled) viewer: distinct lines 1..written received.</summary>
    public required Spread Delivered { get; init; }
    public required Spread Missing { get; init; }
    public required Spread Duplicated { get; init; }

    /// <summary>Lines the server reported lost to healthy viewers through gap events.</summary>
    public required long GapLinesReported { get; init; }
    public required int ViewersComplete { get; init; }
    public required double DeliveredPercent { get; init; }

    /// <summary>Stalled viewers (after they resume and drain): delivered, missing, reported by gaps.</summary>
    public Spread? StalledDelivered { get; init; }
    public Spread? StalledMissing { get; init; }
    public long StalledGapLinesReported { get; init; }

    public required LatencySummary Latency { get; init; }
    public LatencySummary? StalledLatency { get; init; }

    public required double MeasuredSeconds { get; init; }
    public required double DrainSeconds { get; init; }
    public required ProcessUse? Server { get; init; }
    public required ProcessUse Client { get; init; }
    public required int Cores { get; init; }

    /// <summary>Server CPU over the measured window ÷ (viewer, line) deliveries, in µs.</summary>
    public double? ServerCpuMicrosPerDelivery { get; init; }

    public double? ServerIdleRssMb { get; init; }
    public double? ServerConnectedRssMb { get; init; }
    public double? IdleKbPerViewer { get; init; }

    /// <summary>The server's own counters from /api/sources at the end.</summary>
    public long? ServerLinesRead { get; init; }
    public long? ServerLinesDropped { get; init; }

    public required bool ClientSaturated { get; init; }
    public required bool MachineSaturated { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}
