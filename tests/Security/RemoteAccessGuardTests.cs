using Microsoft.Extensions.Configuration;
using TailHub.Security;

namespace TailHub.Tests.Security;

/// <summary>Listening beyond localhost without keys is refused unless the operator opts out.</summary>
public sealed class RemoteAccessGuardTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://localhost:5080;http://127.0.0.1:5081")]
    public void Loopback_addresses_need_no_keys(string urls)
    {
        Assert.Null(RemoteAccessGuard.Check(Config(("urls", urls)), new SecurityOptions()));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://192.168.1.10:5080")]
    [InlineData("http://tailhub.example.com:5080")]
    [InlineData("http://localhost:5080;http://0.0.0.0:5081")]
    public void A_non_loopback_address_without_keys_is_refused(string urls)
    {
        var refusal = RemoteAccessGuard.Check(Config(("urls", urls)), new SecurityOptions());

        Assert.NotNull(refusal);
        Assert.Contains("AllowAnonymousRemote", refusal);
    }

    [Fact]
    public void A_kestrel_endpoint_beyond_loopback_is_refused()
    {
        Assert.NotNull(RemoteAccessGuard.Check(Config(("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:8080")), new SecurityOptions()));
    }

    [Fact]
    public void Ports_alone_bind_every_interface_and_are_refused()
    {
        Assert.NotNull(RemoteAccessGuard.Check(Config(("http_ports", "8080")), new SecurityOptions()));
    }

    [Fact]
    public void The_operator_may_opt_out_explicitly()
    {
        Assert.Null(RemoteAccessGuard.Check(Config(("urls", "http://0.0.0.0:5080")), new SecurityOptions { AllowAnonymousRemote = true }));
    }

    [Fact]
    public void With_keys_any_address_is_allowed()
    {
        var options = new SecurityOptions { ApiKeys = [new ApiKeyOptions { Id = "k", Sha256 = new string('a', 64) }] };

        Assert.Null(RemoteAccessGuard.Check(Config(("urls", "http://0.0.0.0:5080")), options));
    }
}
