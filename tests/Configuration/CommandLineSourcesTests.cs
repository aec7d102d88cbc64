using Microsoft.Extensions.Configuration;
using TailHub.Configuration;
using TailHub.Tests.Support;

namespace TailHub.Tests.Configuration;

public sealed class CommandLineSourcesTests
{
    [Fact]
    public void Each_source_argument_becomes_a_configured_source_in_order()
    {
        var (rest, settings) = CommandLineSources.Extract(["--source", "app=/var/log/app.log", "--urls=http://x", "--source=web=/var/log/web/*.log"], "/tmp");

        Assert.Equal(["--urls=http://x"], rest);
        Assert.Equal("app", settings["TailHub:Sources:0:Name"]);
        Assert.Equal("/var/log/app.log", settings["TailHub:Sources:0:Path"]);
        Assert.Equal("web", settings["TailHub:Sources:1:Name"]);
        Assert.Equal("/var/log/web/*.log", settings["TailHub:Sources:1:Path"]);
    }

    [Fact]
    public void A_relative_path_on_the_command_line_is_relative_to_the_current_directory()
    {
        var (_, settings) = CommandLineSources.Extract(["--source", "app=logs/*.log", "--source", "up=../up.log"], "/home/me/project");

        Assert.Equal("/home/me/project/logs/*.log", settings["TailHub:Sources:0:Path"]);
        Assert.Equal("/home/me/up.log", settings["TailHub:Sources:1:Path"]);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("=/x")]
    [InlineData("app=")]
    public void A_source_argument_not_of_the_form_name_equals_path_is_refused(string value)
    {
        var e = Assert.Throws<StartupException>(() => CommandLineSources.Extract(["--source", value], "/tmp"));
        Assert.Contains("name=path", e.Message);
    }

    [Fact]
    public void Command_line_sources_replace_the_sources_of_every_other_provider_and_nothing_else()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("appsettings.json"), """
            { "TailHub": { "Sources": [ { "Name": "logs", "Path": "logs/*.log", "InitialLines": 7 }, { "Name": "other", "Path": "o.log" } ], "BacklogLines": 1234 } }
            """);
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(folder.Path).AddJsonFile("appsettings.json");
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TailHub:Sources:2:Name"] = "from-env", ["TailHub:Sources:2:Path"] = "e.log" });
        var (_, sources) = CommandLineSources.Extract(["--source", "logs=/var/log/app.log"], "/");

        configuration.AddCommandLineSources(sources);

        var source = Assert.Single(configuration.GetSection("TailHub:Sources").GetChildren());
        Assert.Equal("logs", source["Name"]);
        Assert.Equal("/var/log/app.log", source["Path"]);
        Assert.Null(source["InitialLines"]);
        Assert.Null(configuration["TailHub:Sources:1:Name"]);
        Assert.Equal("1234", configuration["TailHub:BacklogLines"]);
    }

    [Fact]
    public void Without_command_line_sources_the_configured_ones_stay()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TailHub:Sources:0:Name"] = "logs", ["TailHub:Sources:0:Path"] = "logs/*.log" });
        var (_, sources) = CommandLineSources.Extract(["--urls=http://x"], "/");

        configuration.AddCommandLineSources(sources);

        Assert.Equal("logs", Assert.Single(configuration.GetSection("TailHub:Sources").GetChildren())["Name"]);
    }
}
