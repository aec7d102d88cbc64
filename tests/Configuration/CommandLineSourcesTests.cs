using TailHub.Configuration;

namespace TailHub.Tests.Configuration;

public sealed class CommandLineSourcesTests
{
    [Fact]
    public void Each_source_argument_becomes_a_configured_source_after_the_settings_file_ones()
    {
        var (rest, settings) = CommandLineSources.Extract(["--source", "app=/var/log/app.log", "--urls=http://x", "--source=web=/var/log/web/*.log"]);

        Assert.Equal(["--urls=http://x"], rest);
        Assert.Equal("app", settings["TailHub:Sources:10000:Name"]);
        Assert.Equal("/var/log/app.log", settings["TailHub:Sources:10000:Path"]);
        Assert.Equal("web", settings["TailHub:Sources:10001:Name"]);
        Assert.Equal("/var/log/web/*.log", settings["TailHub:Sources:10001:Path"]);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("=/x")]
    [InlineData("app=")]
    public void A_source_argument_not_of_the_form_name_equals_path_is_refused(string value)
    {
        var e = Assert.Throws<StartupException>(() => CommandLineSources.Extract(["--source", value]));
        Assert.Contains("name=path", e.Message);
    }
}
