using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using TailHub.Tests.Support;

namespace TailHub.Tests.Hosting;

/// <summary>The built TailHub started as a real process from a directory that is not its own.</summary>
public sealed partial class ContentRootTests
{
    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    [Fact]
    public async Task Started_from_another_directory_it_serves_its_page_reads_its_shipped_settings_and_writes_to_the_users_state_folder()
    {
        using var elsewhere = new TempFolder();
        using var home = new TempFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = elsewhere.Path,
        };
        start.Environment["HOME"] = home.Path;
        foreach (var name in new[] { "XDG_STATE_HOME", "STATE_DIRECTORY", "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT" }) start.Environment.Remove(name);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TailHub.dll"));
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        using var process = Process.Start(start)!;
        try
        {
            var address = await ListeningAddressAsync(process);
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            using var page = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<title>TailHub</title>", await page.Content.ReadAsStringAsync());

            // The shipped appsettings.json names one source, "logs", at logs/*.log under the content root: here the
            // user's state folder, where TailHub's own log goes too.
            var state = Path.Combine(home.Path, ".local", "state", "tailhub");
            var sources = JsonDocument.Parse(await http.GetStringAsync("/api/sources")).RootElement;
            var source = Assert.Single(sources.EnumerateArray());
            Assert.Equal("logs", source.GetProperty("name").GetString());
            Assert.Equal(Path.Combine(state, "logs", "*.log"), source.GetProperty("path").GetString());
            Assert.True(File.Exists(Path.Combine(state, "logs", "tailhub.log")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere.Path));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<string> ListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is not { Success: true } m) continue;
            // Keep reading what it prints, so a full pipe never blocks it.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            return m.Groups[1].Value;
        }
        throw new InvalidOperationException($"TailHub exited ({process.ExitCode}) before listening: {await process.StandardError.ReadToEndAsync()}");
    }
}
