using System.Diagnostics;

namespace TailHub.LoadTests;

/// <summary>
/// One monotonic clock for writer and viewers, expressed as Unix microseconds. Both ends of every latency sample
/// live in this process, so a Stopwatch anchored once to the wall clock is exact and immune to clock steps.
/// </summary>
public static class Clock
{
    private static readonly long AnchorUnixMicros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
    private static readonly long AnchorTimestamp = Stopwatch.GetTimestamp();

    public static long NowMicros() => AnchorUnixMicros + Stopwatch.GetElapsedTime(AnchorTimestamp).Ticks / 10;
}
