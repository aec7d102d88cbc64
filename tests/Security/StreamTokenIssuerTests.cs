using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TailHub.Security;

namespace TailHub.Tests.Security;

/// <summary>Stream token signing, expiry (on a fake clock) and tampering.</summary>
public sealed class StreamTokenIssuerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private StreamTokenIssuer Issuer() =>
        new(Options.Create(new SecurityOptions { StreamTokenLifetime = TimeSpan.FromMinutes(5) }), _time);

    [Fact]
    public void A_token_carries_its_key_sources_and_expiry()
    {
        var issuer = Issuer();
        var (token, expires) = issuer.Issue("ops", ["app", "web"]);

        var grant = issuer.Verify(token);

        Assert.NotNull(grant);
        Assert.Equal("ops", grant.KeyId);
        Assert.Equal(["app", "web"], grant.Sources!);
        Assert.Equal(_time.GetUtcNow().AddMinutes(5), expires);
    }

    [Fact]
    public void A_token_is_valid_until_just_before_its_expiry()
    {
        var issuer = Issuer();
        var (token, _) = issuer.Issue("ops", ["app"]);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        Assert.NotNull(issuer.Verify(token));
    }

    [Fact]
    public void A_token_is_refused_once_expired()
    {
        var issuer = Issuer();
        var (token, _) = issuer.Issue("ops", ["app"]);

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(issuer.Verify(token));
    }

    [Fact]
    public void A_token_with_a_changed_payload_is_refused()
    {
        var issuer = Issuer();
        var (token, _) = issuer.Issue("ops", ["app"]);
        var dot = token.IndexOf('.');
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, dot));
        var widened = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(payload).Replace("\"app\"", "\"all\""));

        Assert.Null(issuer.Verify(System.Buffers.Text.Base64Url.EncodeToString(widened) + token[dot..]));
    }

    [Fact]
    public void A_token_signed_by_another_instance_is_refused()
    {
        var (token, _) = Issuer().Issue("ops", ["app"]);

        Assert.Null(Issuer().Verify(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData("!!!.???")]
    [InlineData(".")]
    public void A_malformed_token_is_refused(string token)
    {
        Assert.Null(Issuer().Verify(token));
    }
}
