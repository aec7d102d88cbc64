using Microsoft.Extensions.Time.Testing;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

/// <summary>One viewer's matching time, on a fake clock.</summary>
public sealed class GrepBudgetTests
{
    private static readonly TimeSpan PerSecond = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Within_the_budget_matching_goes_on_without_waiting()
    {
        var budget = new GrepBudget(new FakeTimeProvider(), PerSecond);

        budget.Spend(TimeSpan.FromMilliseconds(90));

        Assert.Equal(TimeSpan.Zero, budget.WaitNeeded());
    }

    [Fact]
    public void Over_the_budget_the_viewer_waits_until_its_share_of_time_has_paid_for_the_excess()
    {
        var time = new FakeTimeProvider();
        var budget = new GrepBudget(time, PerSecond);

        budget.Spend(TimeSpan.FromMilliseconds(150));

        // 50 ms over, earned back at 100 ms per second: half a second.
        Assert.Equal(TimeSpan.FromMilliseconds(500), budget.WaitNeeded());
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.True(budget.WaitNeeded() > TimeSpan.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, budget.WaitNeeded());
    }

    [Fact]
    public void An_idle_viewer_saves_up_at_most_one_seconds_worth()
    {
        var time = new FakeTimeProvider();
        var budget = new GrepBudget(time, PerSecond);

        time.Advance(TimeSpan.FromMinutes(10));
        budget.Spend(TimeSpan.FromMilliseconds(101));

        Assert.True(budget.WaitNeeded() > TimeSpan.Zero);
    }
}
