using System.Diagnostics;
using TailHub.Tests.Support;

namespace TailHub.Tests.Configuration;

/// <summary>TailHub started as a real process with bad configuration: a clear message and a non-zero exit, never a stack trace.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<(int ExitCode, string Errors)> RunAsync(params string[] args)
    {
        var (exit, errors, _) = await RunWithOutputAsync(args);
        return (exit, errors);
    }

    private async Task<(int ExitCode, string Errors, string Output)> RunWithOutputAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = _folder.Path,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TailHub.dll"));
        foreach (var arg in new[] { "--urls=http://127.0.0.1:0", "--TailHub:LogFile=", $"--contentRoot={_folder.Path}" }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("TailHub did not exit on bad configuration");
        }
        return (process.ExitCode, await errors, await output);
    }

    [Theory]
    [InlineData("bad name", "Name must be")]
    [InlineData("gap", "reserved")]
    [InlineData("open", "reserved")]
    [InlineData("Open", "reserved")]
    public async Task A_bad_source_name_stops_start_up_with_a_clear_message(string name, string expected)
    {
        var (exit, errors) = await RunAsync("--source", $"{name}={_folder.PathOf("a.log")}");

        Assert.Equal(2, exit);
        Assert.Contains("TailHub cannot start", errors);
        Assert.Contains(expected, errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task Two_sources_with_one_name_stop_start_up()
    {
        var (exit, errors) = await RunAsync("--source", $"app={_folder.PathOf("a.log")}", "--source", $"APP={_folder.PathOf("b.log")}");

        Assert.Equal(2, exit);
        Assert.Contains("names must be unique", errors);
    }

    [Fact]
    public async Task A_source_argument_without_a_path_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--source", "app");

        Assert.Equal(2, exit);
        Assert.Contains("name=path", errors);
    }

    [Fact]
    public async Task An_out_of_range_limit_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--source", $"app={_folder.PathOf("a.log")}", "--TailHub:BacklogLines=-3");

        Assert.Equal(2, exit);
        Assert.Contains("BacklogLines", errors);
    }

    [Fact]
    public async Task A_path_naming_a_directory_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--source", $"app={_folder.Path}/");

        Assert.Equal(2, exit);
        Assert.Contains("names a directory", errors);
    }

    [Fact]
    public async Task A_jenkins_source_asking_for_more_builds_than_Jenkins_lists_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--TailHub:Sources:0:Name=ci", "--TailHub:Sources:0:Type=jenkins",
            "--TailHub:Sources:0:Url=https://jenkins.example.com", "--TailHub:Sources:0:Job=app", "--TailHub:Sources:0:Builds=500");

        Assert.Equal(2, exit);
        Assert.Contains("source 'ci': Builds must be from 1 to 100", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Theory]
    [InlineData("old/app.log-[0-9", "'[' without a closing ']'")]
    [InlineData("old/app.log-{1,2}*", "braces")]
    [InlineData("old/", "names a directory")]
    public async Task A_bad_rotated_files_glob_stops_start_up_naming_the_setting(string glob, string expected)
    {
        var (exit, errors) = await RunAsync("--TailHub:Sources:0:Name=app", $"--TailHub:Sources:0:Path={_folder.PathOf("app.log")}",
            $"--TailHub:Sources:0:RotatedFiles={_folder.PathOf(glob)}");

        Assert.Equal(2, exit);
        Assert.Contains("source 'app': RotatedFiles", errors);
        Assert.Contains(expected, errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task A_source_path_naming_a_compressed_file_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--source", $"app={_folder.PathOf("app.log.2.gz")}");

        Assert.Equal(2, exit);
        Assert.Contains("compressed", errors);
    }

    [Fact]
    public async Task An_invalid_redaction_rule_stops_start_up_naming_the_rule()
    {
        var (exit, errors) = await RunAsync("--TailHub:Redaction:Rules:0:Name=broken", "--TailHub:Redaction:Rules:0:Pattern=(unclosed");

        Assert.Equal(2, exit);
        Assert.Contains("redaction rule 'broken'", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Theory]
    [InlineData("--TailHub:Security:KnownProxies:0=not-an-ip", "is not an IP address")]
    [InlineData("--TailHub:Security:CorsOrigins:0=*", "is not an origin")]
    public async Task An_invalid_security_setting_stops_start_up_naming_it(string setting, string expected)
    {
        var (exit, errors) = await RunAsync(setting);

        Assert.Equal(2, exit);
        Assert.Contains(expected, errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task Listening_beyond_localhost_without_keys_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--urls=http://0.0.0.0:0");

        Assert.Equal(2, exit);
        Assert.Contains("AllowAnonymousRemote", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task An_api_key_given_neither_as_a_hash_nor_an_environment_variable_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--TailHub:Security:ApiKeys:0:Id=ops", "--TailHub:Security:ApiKeys:0:Role=viewer");

        Assert.Equal(2, exit);
        Assert.Contains("exactly one of Sha256", errors);
    }

    [Theory]
    [InlineData("--urls=http://[::ffff:127.0.0.1]:0")]
    [InlineData("--urls=http://192.0.2.1:0", "--TailHub:Security:AllowAnonymousRemote=true")]
    public async Task An_address_that_cannot_be_bound_stops_start_up_with_one_clear_line(params string[] args)
    {
        var (exit, errors, output) = await RunWithOutputAsync(args);

        Assert.Equal(2, exit);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("TailHub cannot start: cannot listen on http://", line);
        Assert.DoesNotContain("   at ", errors);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_taken_port_stops_start_up_with_one_line_and_nothing_else_however_many_sources_were_starting()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        // Sources with lines to read: their loops are running (and saving their state) when the bind fails.
        var sources = Enumerable.Range(1, 8).SelectMany(i =>
        {
            File.WriteAllText(_folder.PathOf($"s{i}.log"), string.Concat(Enumerable.Range(1, 200).Select(n => $"line {n}\n")));
            return new[] { "--source", $"s{i}={_folder.PathOf($"s{i}.log")}" };
        });

        var (exit, errors, output) = await RunWithOutputAsync([$"--urls=http://127.0.0.1:{port}", .. sources]);

        Assert.Equal(2, exit);
        Assert.Equal($"TailHub cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", errors.Trim());
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("crit:", output);
        Assert.DoesNotContain("fail:", output);
    }

    [Fact]
    public async Task A_command_source_that_cannot_run_stops_start_up_with_each_reason()
    {
        var (exit, errors) = await RunAsync(
            "--TailHub:Sources:0:Name=missing", "--TailHub:Sources:0:Type=command", "--TailHub:Sources:0:Command:0=no-such-tool-4711",
            "--TailHub:Sources:1:Name=empty", "--TailHub:Sources:1:Type=command",
            "--TailHub:Sources:2:Name=bad", "--TailHub:Sources:2:Type=command", "--TailHub:Sources:2:Command:0=echo", "--TailHub:Sources:2:Command:1={VERSION}",
            "--TailHub:Sources:2:EnvFrom:TOKEN=TAILHUB_TEST_UNSET_4711", "--TailHub:Sources:2:Restart=sometimes", "--TailHub:Sources:2:Parameters:LD_PRELOAD=");

        Assert.Equal(2, exit);
        Assert.Contains("source 'missing': Command[0] 'no-such-tool-4711' was not found on PATH", errors);
        Assert.Contains("source 'empty': Command must be a list", errors);
        Assert.Contains("source 'bad': Command has '{VERSION}', but 'VERSION' is not in Parameters", errors);
        Assert.Contains("source 'bad': EnvFrom: the environment variable 'TAILHUB_TEST_UNSET_4711' (for TOKEN) is not set", errors);
        Assert.Contains("source 'bad': Restart must be never, on-failure or always", errors);
        Assert.Contains("source 'bad': Parameters: 'LD_PRELOAD' may not be set by a request", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task An_ssh_source_without_a_readable_key_or_known_hosts_stops_start_up_with_each_reason()
    {
        var (exit, errors) = await RunAsync(
            "--TailHub:Sources:0:Name=nokeys", "--TailHub:Sources:0:Type=ssh", "--TailHub:Sources:0:Host=build-01", "--TailHub:Sources:0:User=ci",
            "--TailHub:Sources:0:Command=make test",
            "--TailHub:Sources:1:Name=missing", "--TailHub:Sources:1:Type=ssh", "--TailHub:Sources:1:Host=build-01", "--TailHub:Sources:1:User=ci",
            "--TailHub:Sources:1:Command=make test", $"--TailHub:Sources:1:KeyFile={_folder.PathOf("no-key")}", $"--TailHub:Sources:1:KnownHostsFile={_folder.PathOf("no-known-hosts")}",
            "--TailHub:Sources:1:Parameters:TARGET=");

        Assert.Equal(2, exit);
        Assert.Contains("source 'nokeys': KeyFile is required", errors);
        Assert.Contains("source 'nokeys': KnownHostsFile is required", errors);
        Assert.Contains($"source 'missing': KeyFile {_folder.PathOf("no-key")} cannot be read (no such file)", errors);
        Assert.Contains($"source 'missing': KnownHostsFile {_folder.PathOf("no-known-hosts")} cannot be read (no such file)", errors);
        Assert.Contains("source 'missing': Parameters are not supported for ssh sources", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task A_command_source_whose_runs_cannot_be_kept_stops_start_up()
    {
        File.WriteAllText(_folder.PathOf("not-a-directory"), "");

        var (exit, errors) = await RunAsync($"--TailHub:DataDirectory={_folder.PathOf("not-a-directory")}",
            "--TailHub:Sources:0:Name=job", "--TailHub:Sources:0:Type=command", "--TailHub:Sources:0:Command:0=true");

        Assert.Equal(2, exit);
        Assert.Contains("source 'job': cannot keep its runs in", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("hub")]
    public async Task An_agent_or_hub_without_redis_stops_start_up_saying_what_it_needs(string role)
    {
        var (exit, errors) = await RunAsync($"--TailHub:Role={role}", "--TailHub:ClusterKeyEnv=PATH");

        Assert.Equal(2, exit);
        Assert.Contains($"TailHub:Role={role} needs TailHub:Redis", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task An_unknown_role_stops_start_up()
    {
        var (exit, errors) = await RunAsync("--TailHub:Role=leader");

        Assert.Equal(2, exit);
        Assert.Contains("TailHub:Role must be standalone, agent or hub (it is 'leader')", errors);
    }

    [Fact]
    public async Task A_hub_without_a_cluster_key_stops_start_up_and_never_shows_the_redis_password()
    {
        var (exit, errors, output) = await RunWithOutputAsync("--TailHub:Role=hub", "--TailHub:Redis=127.0.0.1:1,password=s3cret-redis-pw");

        Assert.Equal(2, exit);
        Assert.Contains("needs TailHub:ClusterKeyEnv", errors);
        Assert.DoesNotContain("s3cret-redis-pw", errors + output);
    }

    [Theory]
    [InlineData("file", "Retention:MaxRuns=2", "never deletes")]
    [InlineData("push", "Retention:MaxRuns=0", "MaxRuns '0'")]
    [InlineData("push", "Retention:MaxAge=soon", "MaxAge 'soon'")]
    [InlineData("push", "Retention:Keep=3", "Retention:Keep is not a setting")]
    public async Task A_bad_retention_stops_start_up_with_a_clear_message(string type, string setting, string expected)
    {
        var (exit, errors) = await RunAsync("--TailHub:Sources:0:Name=app", $"--TailHub:Sources:0:Type={type}", $"--TailHub:Sources:0:Path={_folder.PathOf("app.log")}",
            $"--TailHub:DataDirectory={_folder.PathOf("data")}", $"--TailHub:Sources:0:{setting}");

        Assert.Equal(2, exit);
        Assert.Contains(expected, errors);
        Assert.DoesNotContain("   at ", errors);
    }
}
