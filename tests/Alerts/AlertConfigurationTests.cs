using System.Diagnostics;
using System.Net;
using TailHub.Configuration;
using TailHub.Tests.Security;
using TailHub.Tests.Support;

namespace TailHub.Tests.Alerts;

/// <summary>Alert configuration is checked at start-up: every mistake is a clear sentence, and TailHub does not start.</summary>
public sealed class AlertConfigurationTests
{
    private const string Url = "https://hooks.example.com/services/T000/B000/XXXX";

    private static async Task<string> StartupFailureAsync(Dictionary<string, string?> settings)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AlertServer.StartAsync(settings));
        return StartupFailure.Describe(failure);
    }

    private static Dictionary<string, string?> With(params (string Key, string? Value)[] changes)
    {
        var settings = AlertServer.OneRule(Url, allowPrivate: false);
        foreach (var (key, value) in changes) settings[key] = value;
        return settings;
    }

    public static TheoryData<string, string?, string> Mistakes => new()
    {
        { "TailHub:Alerts:Rules:0:Match", "(unclosed", "alert rule 'errors': Match is not a valid regular expression" },
        { "TailHub:Alerts:Rules:0:MinLevel", "loud", "alert rule 'errors': MinLevel 'loud' is not a level" },
        { "TailHub:Alerts:Rules:0:Sources:0", "api-*", "alert rule 'errors': Sources: 'api-*' matches no configured source." },
        { "TailHub:Alerts:Rules:0:Sources:0", "../etc", "alert rule 'errors': Sources: '../etc' is not a source name or a glob" },
        { "TailHub:Alerts:Rules:0:Destinations:0", "pager", "alert rule 'errors': Destinations: 'pager' is not a configured destination" },
        { "TailHub:Alerts:Rules:0:Cooldown", "00:00:00", "alert rule 'errors': Cooldown must be from 00:00:01" },
        { "TailHub:Alerts:Rules:0:Name", "bad name", "Alerts:Rules[0]: Name must be 1-64 characters" },
        { "TailHub:Alerts:Rules:0:Fields:status", "[", "alert rule 'errors': Fields:status is not a valid regular expression" },
        { "TailHub:Alerts:Destinations:0:Type", "email", "alert destination 'hook': Type 'email' is not supported (supported: webhook, slack, ntfy)." },
        { "TailHub:Alerts:Destinations:0:Url", "ftp://example.com/x", "alert destination 'hook': Url must be an absolute http:// or https:// URL." },
        { "TailHub:Alerts:Destinations:0:Url", "https://user:pass@example.com/x", "alert destination 'hook': Url must not hold a user name or password" },
        { "TailHub:Alerts:Destinations:0:TokenEnv", "TAILHUB_TEST_UNSET_TOKEN_9f3a", "alert destination 'hook': TokenEnv names TAILHUB_TEST_UNSET_TOKEN_9f3a, which is not set." },
        { "TailHub:Alerts:Destinations:0:Template", "{\"a\":\"{{nope}}\"}", "alert destination 'hook': Template uses unknown placeholders {{nope}}" },
        { "TailHub:Alerts:Destinations:0:Template", "{\"a\":{{text}}}", "alert destination 'hook': Template is not JSON once its placeholders are filled in" },
        { "TailHub:Alerts:Destinations:0:MaxPerMinute", "0", "alert destination 'hook': MaxPerMinute must be from 1 to 10000." },
        { "TailHub:PublicUrl", "logs.example.com", "PublicUrl 'logs.example.com' must be an absolute http:// or https:// URL" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_stops_start_up_with_a_sentence_naming_it(string key, string? value, string expected)
    {
        Assert.Contains(expected, await StartupFailureAsync(With((key, value))));
    }

    [Fact]
    public async Task A_rule_with_nothing_to_match_stops_start_up()
    {
        Assert.Contains("alert rule 'errors': give Match, MinLevel or Fields", await StartupFailureAsync(With(("TailHub:Alerts:Rules:0:Match", null))));
    }

    [Fact]
    public async Task A_url_from_the_environment_is_never_repeated_in_a_message()
    {
        var variable = "TAILHUB_TEST_HOOK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "not-a-url-but-a-secret-7f1c");
        var settings = With(("TailHub:Alerts:Destinations:0:Url", null), ("TailHub:Alerts:Destinations:0:UrlEnv", variable));

        var message = await StartupFailureAsync(settings);

        Assert.Contains($"alert destination 'hook': UrlEnv {variable} must be an absolute http:// or https:// URL.", message);
        Assert.DoesNotContain("secret-7f1c", message);
    }

    [Fact]
    public async Task A_url_from_the_environment_is_used_and_never_shown()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var variable = "TAILHUB_TEST_HOOK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, receiver.Url("services/secret-path-5d2e"));
        var settings = AlertServer.OneRule("unused");
        settings["TailHub:Alerts:Destinations:0:Url"] = null;
        settings["TailHub:Alerts:Destinations:0:UrlEnv"] = variable;
        await using var alerts = await AlertServer.StartAsync(settings);

        alerts.Writer.WriteLine("ERROR x");

        Assert.Equal("/services/secret-path-5d2e", (await receiver.NextAsync()).Path);
        Assert.DoesNotContain("secret-path-5d2e", (await alerts.AlertsAsync()).ToString());
    }

    [Fact]
    public async Task Bad_alert_configuration_exits_with_code_2_and_one_line()
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = folder.Path };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TailHub.dll"));
        foreach (var arg in new[] { "--urls=http://127.0.0.1:0", "--TailHub:LogFile=", $"--contentRoot={folder.Path}", "--source", $"app={folder.PathOf("a.log")}",
                     "--TailHub:Alerts:Rules:0:Name=errors", "--TailHub:Alerts:Rules:0:Match=ERROR", "--TailHub:Alerts:Rules:0:Destinations:0=nowhere" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("alert rule 'errors': Destinations: 'nowhere' is not a configured destination", await errors);
        Assert.DoesNotContain("   at ", await errors);
    }

    [Fact]
    public async Task The_alerts_api_is_for_admins()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await AccessTestServer.StartAsync(AlertServer.OneRule(receiver.Url()));

        using var viewer = await server.SendAsync(HttpMethod.Get, "/api/alerts", AccessTestServer.ViewerKey);
        using var operatorTest = await server.SendAsync(HttpMethod.Post, "/api/alerts/errors/test", AccessTestServer.OperatorKey);
        using var anonymous = await server.SendAsync(HttpMethod.Get, "/api/alerts", null);
        using var admin = await server.SendAsync(HttpMethod.Get, "/api/alerts", AccessTestServer.AdminKey);

        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, operatorTest.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(0, receiver.Count);
    }
}
