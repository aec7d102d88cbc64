using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Alerts;

/// <summary>Alerts against a webhook receiver on a loopback port: what is sent, when, and how often.</summary>
public sealed class AlertNotificationTests
{
    private static long Matches(JsonElement alerts, string rule = "errors") =>
        alerts.GetProperty("rules").EnumerateArray().First(r => r.GetProperty("name").GetString() == rule).GetProperty("matches").GetInt64();

    [Fact]
    public async Task The_first_match_is_sent_at_once_with_a_link_to_the_line()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // An hour's cooldown: the first match must not wait for it.
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url()));
        await using var viewer = await SseTestClient.ConnectAsync(alerts.Server.BaseAddress, "/api/stream?sources=app&backlog=0");

        alerts.Writer.WriteLine("INFO all good");
        alerts.Writer.WriteLine("ERROR db down");

        var request = await receiver.NextAsync();
        var seq = (await viewer.ReadUntilLinesAsync("app", 2)).SelectMany(e => e.Lines).Single(l => l.Text == "ERROR db down").Seq;
        var body = request.Json;
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("errors", body.GetProperty("rule").GetString());
        Assert.Equal("app", body.GetProperty("source").GetString());
        Assert.Equal("first", body.GetProperty("kind").GetString());
        Assert.Equal("ERROR db down", body.GetProperty("text").GetString());
        Assert.Equal(seq, body.GetProperty("seq").GetInt64());
        Assert.Equal($"{alerts.Server.BaseAddress}?sources=app&line={seq}", body.GetProperty("link").GetString());
        Assert.Equal(1, receiver.Count);
    }

    [Fact]
    public async Task A_burst_of_ten_thousand_matching_lines_is_one_notification_and_one_roll_up()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url(), cooldown: "00:00:02"));

        alerts.Writer.Write(string.Concat(Enumerable.Range(1, 10_000).Select(i => $"ERROR crash {i}\n")));

        var first = (await receiver.NextAsync()).Json;
        var rollUp = (await receiver.NextAsync()).Json;
        Assert.Equal("first", first.GetProperty("kind").GetString());
        Assert.Equal("ERROR crash 1", first.GetProperty("text").GetString());
        Assert.Equal("rollup", rollUp.GetProperty("kind").GetString());
        Assert.Equal(9_999, rollUp.GetProperty("count").GetInt32());
        Assert.Equal("errors on app: … and 9,999 more like this in the last 2 seconds", rollUp.GetProperty("summary").GetString());
        Assert.Equal("ERROR crash 2", rollUp.GetProperty("first").GetProperty("text").GetString());
        Assert.Equal("ERROR crash 10000", rollUp.GetProperty("last").GetProperty("text").GetString());

        // Every line evaluated, and the cooldown after the roll-up ended with nothing counted: nothing more to send.
        await alerts.WaitForAsync(a => Matches(a) == 10_000 && a.GetProperty("rules")[0].GetProperty("cooling").GetArrayLength() == 0, "the cooldown's end");
        var rule = await alerts.RuleAsync();
        Assert.Equal(9_999, rule.GetProperty("rolledUp").GetInt64());
        Assert.Equal(2, rule.GetProperty("sent").GetInt64());
        Assert.Equal(2, receiver.Count);
    }

    [Fact]
    public async Task A_match_after_a_quiet_cooldown_is_sent_at_once_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url(), cooldown: "00:00:01"));

        alerts.Writer.WriteLine("ERROR once");
        Assert.Equal("ERROR once", (await receiver.NextAsync()).Json.GetProperty("text").GetString());
        await alerts.WaitForAsync(a => a.GetProperty("rules")[0].GetProperty("cooling").GetArrayLength() == 0, "the cooldown's end");
        alerts.Writer.WriteLine("ERROR twice");

        var second = (await receiver.NextAsync()).Json;
        Assert.Equal("first", second.GetProperty("kind").GetString());
        Assert.Equal("ERROR twice", second.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_secret_in_a_matching_line_arrives_masked()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url()));

        alerts.Writer.WriteLine("ERROR login failed for bob password=hunter2 token=ghp_abcdefghijklmnopqrstuvwxyz0123456789");

        var request = await receiver.NextAsync();
        Assert.Contains("password=***", request.Body);
        Assert.DoesNotContain("hunter2", request.Body);
        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz0123456789", request.Body);
    }

    [Fact]
    public async Task Level_and_field_conditions_must_all_hold()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = AlertServer.OneRule(receiver.Url(), cooldown: "00:00:01");
        settings.Remove("TailHub:Alerts:Rules:0:Match");
        settings["TailHub:Alerts:Rules:0:MinLevel"] = "error";
        settings["TailHub:Alerts:Rules:0:Fields:http.status"] = "^5\\d\\d$";
        await using var alerts = await AlertServer.StartAsync(settings);

        alerts.Writer.WriteLine("""{"level":"error","http":{"status":404},"msg":"not found"}""");
        alerts.Writer.WriteLine("""{"level":"info","http":{"status":503},"msg":"retrying"}""");
        alerts.Writer.WriteLine("ERROR http.status=503 but plain text");
        alerts.Writer.WriteLine("level=error http.status=502 msg=\"bad gateway\"");
        alerts.Writer.WriteLine("""{"level":"error","http":{"status":503},"msg":"unavailable"}""");

        await alerts.WaitForAsync(a => Matches(a) == 2, "two matches");
        var texts = new[] { (await receiver.NextAsync()).Json, (await receiver.NextAsync()).Json }.Select(b => b.GetProperty("text").GetString()).ToList();
        // The first is sent at once; the second comes within the cooldown and is rolled up.
        Assert.Equal("level=error http.status=502 msg=\"bad gateway\"", texts[0]);
        Assert.Equal(1, (await alerts.RuleAsync()).GetProperty("rolledUp").GetInt64());
    }

    [Fact]
    public async Task Slack_and_ntfy_get_their_own_shapes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = AlertServer.OneRule(receiver.Url("slack"), type: "slack");
        settings["TailHub:Alerts:Rules:0:Destinations:1"] = "phone";
        settings["TailHub:Alerts:Destinations:1:Name"] = "phone";
        settings["TailHub:Alerts:Destinations:1:Type"] = "ntfy";
        settings["TailHub:Alerts:Destinations:1:Url"] = receiver.Url("tailhub-alerts");
        settings["TailHub:Alerts:Destinations:1:AllowPrivateNetwork"] = "true";
        await using var alerts = await AlertServer.StartAsync(settings);

        alerts.Writer.WriteLine("ERROR <b>disk</b> & more");

        var requests = new[] { await receiver.NextAsync(), await receiver.NextAsync() }.ToDictionary(r => r.Path);
        var slack = requests["/slack"].Json.GetProperty("text").GetString()!;
        Assert.StartsWith("*errors* on `app`\n```ERROR &lt;b&gt;disk&lt;/b&gt; &amp; more```\n<", slack);
        Assert.Contains("?sources=app&line=", slack);
        var ntfy = requests["/tailhub-alerts"];
        Assert.Equal("ERROR <b>disk</b> & more", ntfy.Body);
        Assert.Equal("errors on app", ntfy.Headers["Title"]);
        Assert.Equal("high", ntfy.Headers["Priority"]);
        Assert.Contains("?sources=app&line=", ntfy.Headers["Click"]);
    }

    [Fact]
    public async Task A_webhook_template_shapes_the_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = AlertServer.OneRule(receiver.Url());
        settings["TailHub:Alerts:Destinations:0:Template"] = """{"title":"{{rule}} on {{source}}","message":"{{text}}","n":{{count}},"url":"{{link}}"}""";
        await using var alerts = await AlertServer.StartAsync(settings);

        alerts.Writer.WriteLine("ERROR \"quoted\" \\ path");

        var body = (await receiver.NextAsync()).Json;
        Assert.Equal("errors on app", body.GetProperty("title").GetString());
        Assert.Equal("ERROR \"quoted\" \\ path", body.GetProperty("message").GetString());
        Assert.Equal(1, body.GetProperty("n").GetInt32());
        Assert.Contains("?sources=app&line=", body.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Lines_counted_in_bulk_while_nobody_watches_are_evaluated_too()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url(), match: "^ERROR"));

        // 4 MB at once, nobody watching: the tailer counts most of it in bulk instead of making lines.
        alerts.Writer.Write(string.Concat(Enumerable.Range(1, 40_000).Select(i => (i % 100 == 0 ? "ERROR " : "INFO  ") + $"line {i} " + new string('x', 80) + "\n")));

        await alerts.WaitForAsync(a => Matches(a) == 400, "400 matches");
        Assert.Equal("first", (await receiver.NextAsync()).Json.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Lines_a_file_held_before_TailHub_started_reading_it_are_history_not_alerts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = AlertServer.OneRule(receiver.Url());
        // Nothing of what the file holds is read as new lines: all of it is backfill.
        settings["TailHub:InitialLines"] = "0";
        await using var alerts = await AlertServer.StartAsync(settings, existing: string.Concat(Enumerable.Range(1, 1000).Select(i => $"ERROR old {i}\n")));

        alerts.Writer.WriteLine("ERROR new");

        Assert.Equal("ERROR new", (await receiver.NextAsync()).Json.GetProperty("text").GetString());
        Assert.Equal(1, (await alerts.RuleAsync()).GetProperty("matches").GetInt64());
    }
}
