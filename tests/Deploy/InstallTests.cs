using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace TailHub.Tests.Deploy;

/// <summary>
/// The README's Install section: the .NET tool, the single-file binary, the container image and the systemd service,
/// each built as a user builds it (<see cref="Installation"/>) and started as a user starts it.
/// </summary>
public sealed class InstallTests(Installation installed) : IClassFixture<Installation>
{
    /// <summary>The environment of a user with nothing configured but a home folder of the test's.</summary>
    private static Dictionary<string, string?> UserWithHome(TempFolder home) => new()
    {
        ["HOME"] = home.Path,
        ["XDG_STATE_HOME"] = null,
        ["STATE_DIRECTORY"] = null,
        ["ASPNETCORE_CONTENTROOT"] = null,
        ["DOTNET_CONTENTROOT"] = null,
    };

    private static async Task AnswersWithTheSourceAndStreamsALineAsync(TailHubProcess tailhub, string logFile)
    {
        var sources = JsonDocument.Parse(await tailhub.Client.GetStringAsync("/api/sources")).RootElement;
        var source = Assert.Single(sources.EnumerateArray());
        Assert.Equal("app", source.GetProperty("name").GetString());
        Assert.Equal(logFile, source.GetProperty("path").GetString());

        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=app&backlog=0");
        await File.AppendAllTextAsync(logFile, "written after start\n");
        var line = Assert.Single(await viewer.ReadLinesAsync("app", 1));
        Assert.Equal("written after start", line.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_tool_installed_from_the_package_answers_with_its_source_and_streams_a_written_line()
    {
        using var home = new TempFolder();
        using var elsewhere = new TempFolder();
        var log = elsewhere.PathOf("app.log");
        await File.WriteAllTextAsync(log, "");
        await using var tailhub = await TailHubProcess.StartProgramAsync(installed.Tool,
            ["--urls=http://127.0.0.1:0", "--source", "app=app.log"], elsewhere.Path, UserWithHome(home));

        await AnswersWithTheSourceAndStreamsALineAsync(tailhub, log);
    }

    [Fact]
    public async Task The_tool_serves_the_page_from_the_package_and_writes_only_to_the_users_state_folder()
    {
        using var home = new TempFolder();
        using var elsewhere = new TempFolder();
        await File.WriteAllTextAsync(elsewhere.PathOf("app.log"), "");
        await using (var tailhub = await TailHubProcess.StartProgramAsync(installed.Tool,
                         ["--urls=http://127.0.0.1:0", "--source", "app=app.log"], elsewhere.Path, UserWithHome(home)))
        {
            Assert.Contains("<title>TailHub</title>", await tailhub.Client.GetStringAsync("/"));
            using var script = await tailhub.Client.GetAsync("/js/app.js");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal(0, await tailhub.StopAsync());
        }

        var state = Path.Combine(home.Path, ".local", "state", "tailhub");
        Assert.True(File.Exists(Path.Combine(state, "logs", "tailhub.log")), "its own log is in the state folder");
        Assert.True(Directory.Exists(Path.Combine(state, "data", "sources", "app")), "its sources' state is in the state folder");
        Assert.Equal(["app.log"], Directory.EnumerateFileSystemEntries(elsewhere.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateDirectories(installed.ToolPath, "data", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateDirectories(installed.ToolPath, "logs", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_single_file_binary_answers_with_its_source_and_streams_a_written_line()
    {
        using var home = new TempFolder();
        using var elsewhere = new TempFolder();
        var log = elsewhere.PathOf("app.log");
        await File.WriteAllTextAsync(log, "");
        await using var tailhub = await TailHubProcess.StartProgramAsync(installed.Binary,
            ["--urls=http://127.0.0.1:0", "--source", $"app={log}"], elsewhere.Path, UserWithHome(home));

        await AnswersWithTheSourceAndStreamsALineAsync(tailhub, log);
    }

    [Fact]
    public async Task The_single_file_binary_is_one_file_that_serves_the_page_on_its_own()
    {
        Assert.Equal(["TailHub"], Directory.EnumerateFileSystemEntries(installed.PublishFolder).Select(Path.GetFileName));

        using var state = new TempFolder();
        using var elsewhere = new TempFolder();
        var environment = UserWithHome(elsewhere);
        environment["STATE_DIRECTORY"] = state.Path;
        await using var tailhub = await TailHubProcess.StartProgramAsync(installed.Binary, ["--urls=http://127.0.0.1:0"], elsewhere.Path, environment);

        Assert.Contains("<title>TailHub</title>", await tailhub.Client.GetStringAsync("/"));
        using var style = await tailhub.Client.GetAsync("/css/tailhub.css");
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
        // The shipped settings came with it: their one source, TailHub's own log, in the state folder.
        var source = Assert.Single(JsonDocument.Parse(await tailhub.Client.GetStringAsync("/api/sources")).RootElement.EnumerateArray());
        Assert.Equal("logs", source.GetProperty("name").GetString());
        Assert.Equal(Path.Combine(state.Path, "logs", "*.log"), source.GetProperty("path").GetString());
    }

    [Fact]
    public void The_image_is_built_in_stages_and_runs_the_binary_as_a_user_that_is_not_root_with_its_state_in_a_data_volume()
    {
        Assert.True(installed.Dockerfile.Count >= 2, "a build stage and a runtime stage");
        var runtime = installed.Dockerfile[^1];
        Assert.Contains(runtime.All("COPY"), c => c.Words[0] == $"--from={installed.Dockerfile[0].Name}" && c.Words[^1] == "/usr/local/bin/tailhub");
        var user = runtime.Last("USER")?.Arguments;
        Assert.False(user is null or "root" or "0" || user.StartsWith("root:") || user.StartsWith("0:"), $"USER {user}");
        Assert.Contains("\"/data\"", runtime.Last("VOLUME")!.Arguments);
        Assert.Contains("STATE_DIRECTORY=/data", runtime.Last("ENV")!.Arguments);
        Assert.Equal("[\"tailhub\"]", runtime.Last("ENTRYPOINT")!.Arguments);
    }

    [Fact]
    public async Task The_image_health_check_asks_an_endpoint_TailHub_answers_on_the_port_it_listens_on()
    {
        var runtime = installed.Dockerfile[^1];
        var check = runtime.Last("HEALTHCHECK")!.Arguments;
        var url = new Uri(JsonSerializer.Deserialize<string[]>(check[check.IndexOf("CMD [", StringComparison.Ordinal)..][4..])!.Last());
        Assert.Contains($"URLS=http://+:{url.Port}", runtime.Last("ENV")!.Arguments);

        using var state = new TempFolder();
        var environment = UserWithHome(state);
        environment["STATE_DIRECTORY"] = state.Path;
        await using var tailhub = await TailHubProcess.StartProgramAsync(installed.Binary, ["--urls=http://127.0.0.1:0"], state.Path, environment);
        using var health = await tailhub.Client.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public void The_compose_example_follows_var_log_read_only_keeps_state_in_a_volume_and_shows_the_page_to_this_host_only()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Installation.Repository, "deploy", "compose.yaml"))));
        var service = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"])["tailhub"];
        string[] Items(string key) => [.. ((YamlSequenceNode)service[key]).Children.Select(c => ((YamlScalarNode)c).Value!)];

        Assert.Equal(Installation.DockerfilePath, Path.GetFullPath(Path.Combine(Installation.Repository, "deploy", ((YamlScalarNode)service["build"]).Value!, "Dockerfile")));
        Assert.Contains("/var/log:/var/log:ro", Items("volumes"));
        Assert.Contains(Items("volumes"), v => v.EndsWith(":/data", StringComparison.Ordinal) && !v.StartsWith('/'));
        Assert.All(Items("ports"), p => Assert.StartsWith("127.0.0.1:", p));
        var command = Items("command");
        Assert.All(command.Where((_, i) => i % 2 == 1), s => Assert.Matches("^[a-z]+=/var/log/", s));
    }

    [Fact]
    public async Task The_systemd_unit_is_sandboxed_and_passes_systemd_analyze_verify()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Installation.Repository, "deploy", "tailhub.service"));
        var keys = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('[') && l.Contains('='))
            .Select(l => (Key: l[..l.IndexOf('=')], Value: l[(l.IndexOf('=') + 1)..])).ToList();
        string Value(string key) => Assert.Single(keys, k => k.Key == key).Value;
        Assert.Equal("strict", Value("ProtectSystem"));
        Assert.Contains("/var/log", Value("ReadOnlyPaths").Split(' '));
        Assert.Equal("yes", Value("DynamicUser"));
        Assert.Equal("tailhub", Value("StateDirectory"));
        Assert.StartsWith("/usr/local/bin/tailhub ", Value("ExecStart"));

        // systemd-analyze checks every key and that ExecStart's program exists: here, the binary as published.
        using var folder = new TempFolder();
        var unit = folder.PathOf("tailhub.service");
        await File.WriteAllTextAsync(unit, text.Replace("ExecStart=/usr/local/bin/tailhub ", $"ExecStart={installed.Binary} "));
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "verify", "--man=no", unit }) start.ArgumentList.Add(arg);
        using var verify = Process.Start(start)!;
        var said = await verify.StandardOutput.ReadToEndAsync() + await verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync();
        Assert.True(verify.ExitCode == 0 && said.Trim().Length == 0, $"systemd-analyze verify exited {verify.ExitCode}: {said}");
    }
}
