namespace TailHub.Tests.Support;

/// <summary>TailHub stamps a line with the whole millisecond it was read in.</summary>
public static class ReadTimes
{
    /// <summary>Waits until the clock has left the current millisecond, so a line written next is read in a later one.</summary>
    public static async Task NextMillisecondAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() == now) await Task.Delay(1);
    }
}
