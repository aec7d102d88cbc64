using TailHub.Configuration;
using TailHub.Sources.Jenkins;

namespace TailHub.Tests.Sources.Jenkins;

public sealed class JenkinsConfigurationTests
{
    private static JenkinsSourceOptions Valid() => new()
    {
        Name = "ci", Type = "jenkins", Url = "https://jenkins.example.com", Job = "team/service/main", Build = "lastBuild",
    };

    [Fact]
    public void A_complete_anonymous_jenkins_source_is_valid()
    {
        Assert.Empty(JenkinsSourceValidation.Errors(Valid()));
    }

    [Fact]
    public void A_token_environment_variable_that_is_not_set_is_reported_by_name()
    {
        var source = Valid();
        source.User = "ci-bot";
        source.TokenEnv = "TAILHUB_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        Assert.Contains(JenkinsSourceValidation.Errors(source), e => e.Contains(source.TokenEnv, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Url", "ftp://jenkins")]
    [InlineData("Url", "https://bob:secret@jenkins.example.com")]
    [InlineData("Job", "")]
    [InlineData("Build", "lastGoodBuild")]
    [InlineData("Build", "-3")]
    public void A_bad_jenkins_setting_is_an_error(string field, string value)
    {
        var source = Valid();
        typeof(JenkinsSourceOptions).GetProperty(field)!.SetValue(source, value);

        Assert.NotEmpty(JenkinsSourceValidation.Errors(source));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_builds_count_outside_1_to_100_is_an_error(int builds)
    {
        var source = Valid();
        source.Builds = builds;

        Assert.Contains(JenkinsSourceValidation.Errors(source), e => e.StartsWith("Builds must be from 1 to 100", StringComparison.Ordinal));
    }

    [Fact]
    public void Builds_defaults_to_the_newest_20()
    {
        Assert.Equal(20, Valid().Builds);
    }

    [Fact]
    public void A_poll_interval_below_the_floor_is_an_error()
    {
        var source = Valid();
        source.PollInterval = TimeSpan.FromMilliseconds(1);

        Assert.NotEmpty(JenkinsSourceValidation.Errors(source));
    }
}
