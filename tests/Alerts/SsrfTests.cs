using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TailHub.Alerts;
using TailHub.Tests.Support;

namespace TailHub.Tests.Alerts;

/// <summary>
/// Notifications never reach this host, the local link or private networks unless a destination allows it: decided on
/// the address a name resolves to, when connecting.
/// </summary>
public sealed class SsrfTests
{
    private static readonly AlertsOptions Options = new() { Retries = 0, RequestTimeout = TimeSpan.FromSeconds(5) };

    private static async Task<Exception?> PostAsync(string url, bool allowPrivateNetwork)
    {
        using var http = DestinationHttp.Create("hook", allowPrivateNetwork, Options, TimeProvider.System, NullLogger.Instance);
        try
        {
            using var response = await http.PostAsync(url, new StringContent("{}"));
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("172.20.0.1", "a private address")]
    [InlineData("169.254.169.254", "a link-local address")]
    [InlineData("[::1]", "a loopback address")]
    [InlineData("[fd00::1]", "a unique-local (private) address")]
    [InlineData("[fe80::1]", "a link-local address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("[::ffff:127.0.0.1]", "a loopback address")]
    public async Task A_private_address_is_refused_before_connecting(string host, string why)
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var error = await PostAsync(receiver.Url(host: host), allowPrivateNetwork: false);

        Assert.NotNull(error);
        Assert.Contains(why, DestinationHttp.Describe(error));
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var error = await PostAsync(receiver.Url(host: "localhost"), allowPrivateNetwork: false);

        Assert.Contains("localhost is ", DestinationHttp.Describe(error!));
        Assert.Contains("a loopback address", DestinationHttp.Describe(error!));
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task Allowed_a_private_network_it_connects()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        Assert.Null(await PostAsync(receiver.Url(host: "localhost"), allowPrivateNetwork: true));
        Assert.Equal(1, receiver.Count);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var target = await WebhookReceiver.StartAsync();
        await using var redirecting = await WebhookReceiver.StartAsync();
        redirecting.Status = 307;
        var settings = AlertServer.OneRule(redirecting.Url());
        await using var alerts = await AlertServer.StartAsync(settings);

        using var response = await alerts.Server.Client.PostAsync("/api/alerts/errors/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, redirecting.Count);
        Assert.Equal(0, target.Count);
    }

    [Fact]
    public async Task Through_the_server_a_destination_resolving_to_loopback_fails_and_is_reported_failing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url(host: "localhost"), allowPrivate: false));

        using var response = await alerts.Server.Client.PostAsync("/api/alerts/errors/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("a loopback address", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        Assert.Equal(0, receiver.Count);
        var destination = await alerts.DestinationAsync();
        Assert.Equal("failing", destination.GetProperty("state").GetString());
        Assert.DoesNotContain("/hook", destination.GetProperty("lastError").GetString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook", "127.0.0.1, a loopback address")]
    [InlineData("http://10.0.0.5/hook", "10.0.0.5, a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data", "169.254.169.254, a link-local address")]
    [InlineData("http://[::1]:9/hook", "::1, a loopback address")]
    public async Task A_private_address_in_the_configuration_stops_start_up_unless_allowed(string url, string expected)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AlertServer.StartAsync(AlertServer.OneRule(url, allowPrivate: false)));

        var message = TailHub.Configuration.StartupFailure.Describe(failure);
        Assert.Contains($"alert destination 'hook': Url names {expected}: set AllowPrivateNetwork: true to send there.", message);
    }
}
