using System.Text.RegularExpressions;
using TailHub.Endpoints;
using TailHub.Hosting;
using TailHub.Pipeline;
using TailHub.Security;

namespace TailHub.Alerts;

/// <summary>
/// <c>GET /api/alerts</c>: each rule (its configuration, counts, last match, cooldowns under way), each destination's
/// health (never its URL), and the evaluation queue. <c>POST /api/alerts/{rule}/test</c>: sends a sample
/// notification to the rule's destinations now and says how each delivery went. Both for admins.
/// </summary>
public static class AlertEndpoints
{
    public sealed record MatchView(string Source, long Seq, DateTimeOffset Time, string? Level, string Text, string Link);

    public sealed record CoolingView(string Source, DateTimeOffset Until, int Pending);

    public sealed record RuleView(
        string Name, IReadOnlyList<string> Sources, string? Match, string? MinLevel, IReadOnlyDictionary<string, string> Fields, TimeSpan Cooldown,
        IReadOnlyList<string> Destinations, long Matches, long Sent, long RolledUp, long Dropped, MatchView? LastMatch, IReadOnlyList<CoolingView> Cooling);

    public sealed record DestinationView(
        string Name, string Type, string State, long Sent, long Failures, long Capped, string? LastError, DateTimeOffset? LastSuccess, DateTimeOffset? LastFailure);

    public sealed record QueueView(long Lines, int Capacity, long Overflowed, IReadOnlyDictionary<string, long> OverflowedBySource, long Timeouts);

    public sealed record AlertsView(IReadOnlyList<RuleView> Rules, IReadOnlyList<DestinationView> Destinations, QueueView Queue);

    public sealed record TestView(string Rule, IReadOnlyList<DeliveryOutcome> Deliveries);

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/alerts", List)
            .WithName("ListAlerts")
            .WithSummary("Alert rules with their counts and last match, destinations with their health, the evaluation queue.");
        routes.MapPost("/api/alerts/{rule}/test", TestAsync)
            .WithName("TestAlert")
            .WithSummary("Sends a sample notification of the rule to its destinations now.");
        return routes;
    }

    private static IResult List(HttpContext context, AlertSet alerts, AlertEvaluator evaluator, AlertQueue queue, AccessPolicy access)
    {
        var user = context.User;
        var cooling = evaluator.Cools();
        var rules = alerts.Rules.Select(r => new RuleView(
            r.Name, r.Options.Sources, r.Options.Match, r.MinLevel.Name(), r.Options.Fields, r.Cooldown, r.Options.Destinations,
            r.Matches, r.Sent, r.RolledUp, r.Dropped,
            r.Last is { } last && access.AllowsSource(user, last.Source) ? Match(evaluator.Example(last.Source, last.Line)) : null,
            cooling.Where(c => c.Rule == r.Name && access.AllowsSource(user, c.Source)).Select(c => new CoolingView(c.Source, c.Until, c.Pending)).ToList())).ToList();
        var destinations = alerts.Destinations.Select(d => new DestinationView(
            d.Name, d.Type, d.State.ToString().ToLowerInvariant(), d.Sent, d.Failures, d.Capped, d.LastError, d.LastSuccess, d.LastFailure)).ToList();
        var overflow = queue.Overflow.Where(o => access.AllowsSource(user, o.Key)).ToDictionary(o => o.Key, o => o.Value);
        return TypedResults.Ok(new AlertsView(rules, destinations, new QueueView(queue.Queued, queue.Capacity, queue.OverflowTotal, overflow, evaluator.Timeouts)));
    }

    private static MatchView Match(AlertExample e) => new(e.Source, e.Seq, e.LoggedAt ?? e.ReadAt, e.Level.Name(), e.Text, e.Link);

    private static async Task<IResult> TestAsync(string rule, HttpContext context, AlertSet alerts, AlertEvaluator evaluator, LiveSources sources, AlertLinks links)
    {
        if (alerts.Find(rule) is not { } found)
            return Problems.NotFound($"There is no alert rule named '{Problems.Clip(rule)}'.", "See GET /api/alerts for the configured rules.");
        var example = found.Last is { } last
            ? evaluator.Example(last.Source, last.Line)
            : Sample(found, sources, links);
        var notification = new AlertNotification(found.Name, example.Source, NotificationKind.Test, 1, example, example, found.Cooldown);
        var deliveries = await Task.WhenAll(found.Destinations.Select(d => d.DeliverAsync(notification, context.RequestAborted)));
        if (deliveries.All(d => d.Delivered)) return TypedResults.Ok(new TestView(found.Name, deliveries));
        var failed = deliveries.Where(d => !d.Delivered).ToList();
        return TypedResults.Problem(
            $"The test notification could not be delivered to {string.Join(", ", failed.Select(f => $"'{f.Destination}' ({f.Error})"))}.",
            statusCode: StatusCodes.Status502BadGateway, title: "Delivery failed",
            extensions: new Dictionary<string, object?> { ["deliveries"] = deliveries });
    }

    /// <summary>A made-up line for a rule that has matched nothing yet, linking to its first source.</summary>
    private static AlertExample Sample(AlertRule rule, LiveSources sources, AlertLinks links)
    {
        var source = sources.All.FirstOrDefault(s => rule.AppliesTo(s.Name));
        var name = source?.Name ?? "";
        var seq = source?.Hub.LastSeq ?? 0;
        var now = DateTimeOffset.UtcNow;
        return new AlertExample(name, seq, $"This is a test of alert rule '{rule.Name}': no line has matched it yet.", rule.MinLevel, now, null, links.For(name, seq));
    }
}
