using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TailHub.Tests.Observability;
using TailHub.Tests.Support;

namespace TailHub.Tests.Alerts;

/// <summary>Delivery: retries, a failing destination in health and metrics, the cap per minute, test notifications.</summary>
/// <remarks>Alone in the process, as the metrics tests are: another test's TailHub with a destination named alike would add its series to these.</remarks>
[Collection(MetricsCollection.Name)]
public sealed class AlertDeliveryTests
{
    private static string State(JsonElement destination) => destination.GetProperty("state").GetString()!;

    private static JsonElement Destination(JsonElement alerts, string name = "hook") =>
        alerts.GetProperty("destinations").EnumerateArray().First(d => d.GetProperty("name").GetString() == name);

    [Fact]
    public async Task A_receiver_answering_500_is_retried_then_reported_in_health_and_metrics_while_a_viewer_gets_its_lines()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        // Each attempt is held a second: the delivery takes three seconds at least.
        receiver.Delay = TimeSpan.FromSeconds(1);
        var settings = AlertServer.OneRule(receiver.Url());
        settings["TailHub:Alerts:Retries"] = "2";
        await using var alerts = await AlertServer.StartAsync(settings);
        await using var viewer = await SseTestClient.ConnectAsync(alerts.Server.BaseAddress, "/api/stream?sources=app&backlog=0");

        alerts.Writer.WriteLine("ERROR payment service down");
        await viewer.ReadUntilLinesAsync("app", 1);
        // The viewer has its line while the destination is still being tried.
        Assert.Equal("unused", State(await alerts.DestinationAsync()));
        alerts.Writer.WriteLine("INFO still serving");
        await viewer.ReadUntilLinesAsync("app", 1);

        var failed = Destination(await alerts.WaitForAsync(a => State(Destination(a)) == "failing", "the destination failing"));
        Assert.Equal(3, receiver.Count);
        Assert.Equal(1, failed.GetProperty("failures").GetInt64());
        Assert.StartsWith("HTTP 500", failed.GetProperty("lastError").GetString());
        var rule = await alerts.RuleAsync();
        Assert.Equal(0, rule.GetProperty("sent").GetInt64());
        Assert.Equal(1, rule.GetProperty("dropped").GetInt64());

        using var ready = await alerts.Server.Client.GetAsync("/healthz/ready");
        var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var check = health.GetProperty("checks").GetProperty("alerts");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.StartsWith("HTTP 500", check.GetProperty("data").GetProperty("hook").GetString());

        var metrics = await Scrape.UntilAsync(alerts.Server, "tailhub_alert_destination_failures_total", 1, "destination=\"hook\"");
        Assert.Equal(1, PrometheusText.Value(metrics, "tailhub_alert_destination_failures_total", "destination=\"hook\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "tailhub_alert_destination_failing", "destination=\"hook\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "tailhub_alert_dropped_total", "rule=\"errors\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "tailhub_alert_matches_total", "rule=\"errors\""));
    }

    [Fact]
    public async Task A_destination_that_recovers_is_healthy_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 503;
        var settings = AlertServer.OneRule(receiver.Url(), cooldown: "00:00:01");
        settings["TailHub:Alerts:Retries"] = "0";
        await using var alerts = await AlertServer.StartAsync(settings);

        alerts.Writer.WriteLine("ERROR one");
        await alerts.WaitForAsync(a => State(Destination(a)) == "failing", "the destination failing");
        receiver.Status = 204;
        using var test = await alerts.Server.Client.PostAsync("/api/alerts/errors/test", null);

        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Equal("ok", State(await alerts.DestinationAsync()));
        using var ready = await alerts.Server.Client.GetAsync("/healthz/ready");
        Assert.Equal("Healthy", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Over_its_cap_per_minute_a_destination_drops_notifications_and_counts_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = AlertServer.OneRule(receiver.Url());
        settings["TailHub:Alerts:Destinations:0:MaxPerMinute"] = "1";
        settings["TailHub:Alerts:Rules:1:Name"] = "anything-bad";
        settings["TailHub:Alerts:Rules:1:MinLevel"] = "error";
        settings["TailHub:Alerts:Rules:1:Destinations:0"] = "hook";
        await using var alerts = await AlertServer.StartAsync(settings);

        // Both rules match this line: two notifications for a destination that takes one a minute.
        alerts.Writer.WriteLine("ERROR disk full");

        var state = await alerts.WaitForAsync(a => Destination(a).GetProperty("sent").GetInt64() == 1 && Destination(a).GetProperty("capped").GetInt64() == 1, "one sent, one capped");
        Assert.Equal(1, state.GetProperty("rules").EnumerateArray().Sum(r => r.GetProperty("dropped").GetInt64()));
        await receiver.NextAsync();
        Assert.Equal(1, receiver.Count);
    }

    [Fact]
    public async Task A_test_notification_is_sent_now_and_its_delivery_reported()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url()));

        using var response = await alerts.Server.Client.PostAsync("/api/alerts/errors/test", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var delivery = body.GetProperty("deliveries")[0];
        Assert.Equal("hook", delivery.GetProperty("destination").GetString());
        Assert.True(delivery.GetProperty("delivered").GetBoolean());
        var sent = (await receiver.NextAsync()).Json;
        Assert.Equal("test", sent.GetProperty("kind").GetString());
        Assert.Equal("errors: a test notification from TailHub", sent.GetProperty("summary").GetString());
        // A test is not a match.
        Assert.Equal(0, (await alerts.RuleAsync()).GetProperty("matches").GetInt64());
    }

    [Fact]
    public async Task A_test_notification_that_cannot_be_delivered_is_a_502_problem_saying_why()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 404;
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url()));

        using var response = await alerts.Server.Client.PostAsync("/api/alerts/errors/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'hook' (HTTP 404", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Testing_a_rule_that_does_not_exist_is_a_404_problem()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url()));

        using var response = await alerts.Server.Client.PostAsync("/api/alerts/nope/test", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task Promtool_finds_nothing_wrong_with_the_alert_metrics()
    {
        const string promtool = "/usr/bin/promtool";
        Assert.True(File.Exists(promtool), "promtool is needed: apt-get install -y prometheus");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url()));
        alerts.Writer.WriteLine("ERROR x");
        await receiver.NextAsync();
        var metrics = await Scrape.UntilAsync(alerts.Server, "tailhub_alert_sent_total", 1, "rule=\"errors\"");

        var start = new ProcessStartInfo(promtool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"promtool check metrics: {await output}{await errors}");
        Assert.Equal(1, PrometheusText.Value(metrics, "tailhub_alert_sent_total", "rule=\"errors\""));
        Assert.Equal(0, PrometheusText.Value(metrics, "tailhub_alert_queue_lines"));
    }
}
