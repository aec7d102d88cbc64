using TailHub.Configuration;
using TailHub.Hosting;
using TailHub.Tests.Support;

namespace TailHub.Tests.Hosting;

/// <summary>Where an installed TailHub writes, from the environment it is given.</summary>
public sealed class StateFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void With_nothing_set_it_is_under_the_home_folder_as_the_XDG_specification_puts_state()
    {
        var folder = StateFolder.Resolve(Environment(("HOME", _folder.Path)));

        Assert.Equal(_folder.PathOf(".local/state/tailhub"), folder);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void XDG_STATE_HOME_moves_it()
    {
        var folder = StateFolder.Resolve(Environment(("HOME", _folder.PathOf("home")), ("XDG_STATE_HOME", _folder.PathOf("state"))));

        Assert.Equal(_folder.PathOf("state/tailhub"), folder);
    }

    [Fact]
    public void A_relative_XDG_STATE_HOME_is_ignored_as_the_specification_says()
    {
        var folder = StateFolder.Resolve(Environment(("HOME", _folder.Path), ("XDG_STATE_HOME", "relative")));

        Assert.Equal(_folder.PathOf(".local/state/tailhub"), folder);
    }

    [Fact]
    public void The_folder_systemd_gives_a_service_wins()
    {
        var folder = StateFolder.Resolve(Environment(("HOME", _folder.Path), ("XDG_STATE_HOME", _folder.PathOf("state")), ("STATE_DIRECTORY", _folder.PathOf("service"))));

        Assert.Equal(_folder.PathOf("service"), folder);
    }

    [Fact]
    public void A_folder_that_cannot_be_made_stops_start_up_with_a_clear_message()
    {
        File.WriteAllText(_folder.PathOf("file"), "");

        var e = Assert.Throws<StartupException>(() => StateFolder.Resolve(Environment(("STATE_DIRECTORY", _folder.PathOf("file/state")))));

        Assert.Contains(_folder.PathOf("file/state"), e.Message);
        Assert.Contains("STATE_DIRECTORY", e.Message);
    }
}
