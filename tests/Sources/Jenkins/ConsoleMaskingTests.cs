using System.Text;
using TailHub.Pipeline.Redaction;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

/// <summary>The build file is TailHub's copy of a console: secrets are masked before they reach the disk.</summary>
public sealed class ConsoleMaskingTests
{
    private static LineRedactor DefaultRedactor()
    {
        var (rules, errors) = RedactionRules.Compile(new RedactionOptions());
        Assert.Empty(errors);
        return new LineRedactor(rules);
    }

    [Theory]
    [InlineData("2.504.3")]
    [InlineData("2.541.1")]
    public async Task A_secret_printed_by_a_build_never_reaches_the_build_file(string version)
    {
        await using var jenkins = await FakeJenkins.StartAsync(version);
        var job = jenkins.AddJob("team/service/main");
        var build = jenkins.StartBuild(job);
        build.Script(["+ deploy\n", "export DB_PASSWORD=hunter2-very-secret\n", "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789\n", "done\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, redactor: DefaultRedactor()).Start();

        await harness.UntilFinishedAsync(1);

        var file = Encoding.UTF8.GetString(harness.BuildFile(1));
        Assert.DoesNotContain("hunter2-very-secret", file);
        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz0123456789", file);
        Assert.StartsWith("+ deploy\n", file);
        Assert.Contains("\ndone\n", file);
    }
}
