using System.Text;
using TailHub.Pipeline.Redaction;

namespace TailHub.Tests.Pipeline.Redaction;

/// <summary>The default rules against each kind of secret, and what they must leave alone.</summary>
public sealed class LineRedactorTests
{
    private static LineRedactor Defaults() => new(RedactionRules.Compile(new RedactionOptions()).Rules);

    private static string RedactOne(LineRedactor redactor, string line)
    {
        var state = RedactionState.Start;
        return Encoding.UTF8.GetString(redactor.Redact(Encoding.UTF8.GetBytes(line), ref state));
    }

    private static List<string> RedactFile(LineRedactor redactor, params string[] lines)
    {
        var state = RedactionState.Start;
        return lines.Select(l => Encoding.UTF8.GetString(redactor.Redact(Encoding.UTF8.GetBytes(l), ref state))).ToList();
    }

    [Theory]
    [InlineData("login user=bob password=hunter2 ok", "hunter2", "password=***")]
    [InlineData("db passwd: s3cr3tvalue", "s3cr3tvalue", "passwd: ***")]
    [InlineData("PWD=topsecretpwd", "topsecretpwd", "PWD=***")]
    [InlineData("{\"client_secret\": \"abc123xyz\"}", "abc123xyz", "\"client_secret\": \"***\"")]
    [InlineData("GET /cb?token=tok_987654321&x=1", "tok_987654321", "token=***&x=1")]
    [InlineData("api_key=AIzaSyA-1234567890abcdef", "AIzaSyA-1234567890abcdef", "api_key=***")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI", "aws_secret_access_key = ***")]
    [InlineData("Authorization: Bearer eyABCDEFGHIJKLMNOPQRSTUV.abc", "eyABCDEFGHIJKLMNOPQRSTUV", "Authorization: Bearer ***")]
    [InlineData("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA", "Authorization: Basic ***")]
    [InlineData("calling with bearer abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz0123", "bearer ***")]
    [InlineData("key id AKIAIOSFODNN7EXAMPLE in use", "IOSFODNN7EXAMPLE", "AKIA***")]
    [InlineData("push with ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "1234567890abcdefghijklmnopqrstuvwxyzAB", "ghp_***")]
    [InlineData("GH github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "11ABCDEFG0123456789", "github_pat_***")]
    [InlineData("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "123456789012", "xoxb-***")]
    [InlineData("post https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX", "T000/B000", "hooks.slack.com/services/***")]
    [InlineData("fetch https://ci-bot:11a1b2c3d4e5f60718293a4b5c6d7e8f90@jenkins.example.com/job/x", "11a1b2c3d4e5f60718293a4b5c6d7e8f90", "https://ci-bot:***@jenkins")]
    [InlineData("auth ci-bot:11a1b2c3d4e5f60718293a4b5c6d7e8f90 ok", "a1b2c3d4e5f60718293a4b5c6d7e8f90", "ci-bot:*** ok")]
    [InlineData("curl -u ci-bot:0123456789abcdef0123456789abcdef https://jenkins", "0123456789abcdef0123456789abcdef", "-u ci-bot:***")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U done", "dozjgNryP4J3jVmNHl0w5N", "eyJ*** done")]
    [InlineData("connect postgres://app:S3cretPw@db:5432/app", "S3cretPw", "postgres://app:***@db")]
    public void A_default_rule_masks_each_kind_of_secret(string line, string secret, string expected)
    {
        var masked = RedactOne(Defaults(), line);

        Assert.DoesNotContain(secret, masked);
        Assert.Contains(expected, masked);
    }

    [Theory]
    [InlineData("GET /api/items 200 12ms")]
    [InlineData("checksum md5:0123456789abcdef0123456789abcdef ok")]
    [InlineData("basic configuration loaded from /etc/app.conf")]
    [InlineData("the secretary left; the key was on the desk")]
    [InlineData("héllo wörld ✓ — unicode stays as it was")]
    public void A_line_with_no_secret_is_returned_unchanged_byte_for_byte(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var state = RedactionState.Start;

        var result = Defaults().Redact(bytes, ref state);

        Assert.Equal(bytes, result);
    }

    [Fact]
    public void A_line_with_no_trigger_is_returned_as_the_same_array()
    {
        var bytes = Encoding.UTF8.GetBytes("GET /api/items 200 12ms");
        var state = RedactionState.Start;

        Assert.Same(bytes, Defaults().Redact(bytes, ref state));
    }

    [Fact]
    public void A_pem_private_key_block_is_masked_from_its_begin_line_to_its_end_line()
    {
        var lines = RedactFile(Defaults(),
            "loading key:",
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEowIBAAKCAQEAxZ1TQ0L5x4JtW+6y2Kq3U8vKxqJc0mH7Qm0yq0y5y9Qm1b2c",
            "2023-01-01T00:00:00Z MIIEowIBAAKCAQEAxZ1TQ0L5x4Jt",
            "c2VjcmV0a2V5bWF0ZXJpYWw=",
            "-----END RSA PRIVATE KEY-----",
            "key loaded");

        Assert.Equal(["loading key:", "-----BEGIN RSA PRIVATE KEY-----", "***", "***", "***", "-----END RSA PRIVATE KEY-----", "key loaded"], lines);
    }

    [Fact]
    public void A_private_key_on_one_line_is_masked_between_its_markers()
    {
        var masked = RedactOne(Defaults(), "{\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n\"}");

        Assert.DoesNotContain("MIIEvQIBADANBg", masked);
        Assert.Contains("-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----", masked);
    }

    [Fact]
    public void A_private_key_block_never_closed_ends_at_the_first_line_that_is_not_key_material()
    {
        var lines = RedactFile(Defaults(), "-----BEGIN EC PRIVATE KEY-----", "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oUOAgXqB0eW5", "service started on port 80");

        Assert.Equal("***", lines[1]);
        Assert.Equal("service started on port 80", lines[2]);
    }

    [Fact]
    public void A_configured_rule_masks_what_its_pattern_matches()
    {
        var options = new RedactionOptions
        {
            UseDefaults = false,
            Rules = [new RedactionRuleOptions { Name = "card", Pattern = @"\b(\d{4})\d{8}(\d{4})\b", Replacement = "$1********$2" }],
        };
        var redactor = new LineRedactor(RedactionRules.Compile(options).Rules);

        Assert.Equal("paid with 4111********1111", RedactOne(redactor, "paid with 4111111111111111"));
    }

    [Fact]
    public void An_invalid_rule_pattern_is_a_configuration_error_naming_the_rule()
    {
        var options = new RedactionOptions { Rules = [new RedactionRuleOptions { Name = "broken", Pattern = "(unclosed" }] };

        var error = Assert.Single(RedactionRules.Compile(options).Errors);

        Assert.Contains("redaction rule 'broken'", error);
    }

    [Fact]
    public void Disabled_redaction_leaves_secrets_as_they_are()
    {
        var options = new RedactionOptions();
        var redactor = new LineRedactor(RedactionRules.Compile(options).Rules, enabled: false);

        Assert.Equal("password=hunter2", RedactOne(redactor, "password=hunter2"));
    }

    [Fact]
    public void A_long_line_full_of_trigger_words_is_masked_without_timing_out()
    {
        var line = string.Concat(Enumerable.Repeat("monkeytokenpasswordsecret", 2600)) + " password=hunter2";

        var masked = RedactOne(Defaults(), line);

        Assert.NotEqual(LineRedactor.HiddenLine, masked);
        Assert.EndsWith(" password=***", masked);
    }

    [Fact]
    public void A_rule_that_times_out_hides_the_whole_line()
    {
        var options = new RedactionOptions
        {
            UseDefaults = false,
            MatchTimeout = TimeSpan.FromMilliseconds(1),
            Rules = [new RedactionRuleOptions { Name = "slow", Pattern = "(a+)+$", Triggers = ["a"] }],
        };
        var redactor = new LineRedactor(RedactionRules.Compile(options).Rules);

        Assert.Equal(LineRedactor.HiddenLine, RedactOne(redactor, new string('a', 5000) + "!"));
    }
}
