namespace TailHub.Tests.Sources.Jenkins;

/// <summary>Waits for a condition by polling it until a deadline: the condition is the signal, the deadline only a bound.</summary>
public static class Eventually
{
    public static async Task Async(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
