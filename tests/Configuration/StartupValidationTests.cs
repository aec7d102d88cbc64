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
        _ = process.StandardOutput.ReadToEndAsync();
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
        return (process.ExitCode, await errors);
    }

    [Theory]
    [InlineData("bad name", "Name must be")]
    [InlineData("gap", "reserved")]
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
}
