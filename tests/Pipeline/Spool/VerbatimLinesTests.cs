using System.Text;
using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.Spool;

namespace TailHub.Tests.Pipeline.Spool;

/// <summary>Which blocks of whole lines may be spooled as they are: only those framing and masking would not change.</summary>
public sealed class VerbatimLinesTests
{
    private static readonly LineRedactor Redactor = new(RedactionRules.Compile(new RedactionOptions()).Rules);

    private static int Count(string text, int maxLineBytes = 1024) => VerbatimLines.Count(Encoding.UTF8.GetBytes(text), maxLineBytes, Redactor);

    [Fact]
    public void Plain_whole_lines_are_counted()
    {
        Assert.Equal(3, Count("GET /orders 200\nGET /users 404\nnothing to see ✓\n"));
    }

    [Theory]
    [InlineData("ok\npassword=hunter2\nok\n")]
    [InlineData("ok\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz\n")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\n")]
    [InlineData("ok\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n")]
    public void Lines_masking_could_change_are_not_verbatim(string text)
    {
        Assert.Equal(-1, Count(text));
    }

    [Theory]
    [InlineData("windows line\r\n")]
    [InlineData("no newline at the end")]
    public void Lines_framing_would_change_are_not_verbatim(string text)
    {
        Assert.Equal(-1, Count(text));
    }

    [Fact]
    public void A_line_longer_than_the_cap_is_not_verbatim()
    {
        Assert.Equal(-1, Count(new string('a', 1025) + "\n"));
        Assert.Equal(1, Count(new string('a', 1024) + "\n"));
    }

    [Fact]
    public void Invalid_utf8_and_the_stderr_tag_byte_are_not_verbatim()
    {
        Assert.Equal(-1, VerbatimLines.Count([(byte)'a', 0xC0, (byte)'\n'], 1024, Redactor));
        Assert.Equal(-1, VerbatimLines.Count([StreamTag.Stderr, (byte)'a', (byte)'\n'], 1024, Redactor));
    }

    [Fact]
    public void With_masking_off_anything_framing_keeps_is_verbatim()
    {
        Assert.Equal(2, VerbatimLines.Count(Encoding.UTF8.GetBytes("password=hunter2\n-----BEGIN RSA PRIVATE KEY-----\n"), 1024, LineRedactor.None));
    }
}
