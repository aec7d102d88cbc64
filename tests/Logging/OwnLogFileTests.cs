using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TailHub.Logging;
using TailHub.Tests.Support;

namespace TailHub.Tests.Logging;

/// <summary>TailHub's own log file: bounded in size and files, and not flooded by a message that keeps repeating.</summary>
public sealed class OwnLogFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string LogPath => _folder.PathOf("logs/tailhub.log");

    [Fact]
    public void Past_its_size_the_file_is_rolled_and_only_the_configured_number_of_files_is_kept()
    {
        using (var provider = new FileLoggerProvider(LogPath, TimeProvider.System, maxBytes: 2048, fileCount: 3))
        {
            var logger = provider.CreateLogger("Test");
            for (var i = 0; i < 500; i++) logger.LogInformation("message number {Number} with some padding to make it longer", i);
        }

        Assert.Equal(["tailhub.log", "tailhub.log.1", "tailhub.log.2"], Directory.GetFiles(Path.GetDirectoryName(LogPath)!).Select(Path.GetFileName).Order());
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(LogPath)!)) Assert.InRange(new FileInfo(file).Length, 1, 2048);
        // Newest last, and nothing lost between the current file and the one rolled before it.
        var current = Numbers(LogPath);
        Assert.Equal(499, current[^1]);
        Assert.Equal(current[0] - 1, Numbers(LogPath + ".1")[^1]);
    }

    private static List<int> Numbers(string path) =>
        File.ReadAllLines(path).Select(l => int.Parse(l.Split("message number ")[1].Split(' ')[0])).ToList();

    [Fact]
    public void A_repeating_warning_is_written_once_then_counted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using (var provider = new FileLoggerProvider(LogPath, time))
        {
            var logger = provider.CreateLogger("Test");
            for (var i = 0; i < 100; i++) logger.LogWarning("Rejected a key from {Client}", $"10.0.0.{i}");
        }

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("Rejected a key from 10.0.0.0", lines[0]);
        Assert.Contains("\"Rejected a key from {Client}\" repeated 99 more times", lines[1]);
    }

    [Fact]
    public void After_its_window_a_repeating_warnings_count_is_written_and_the_next_one_is_written_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using (var provider = new FileLoggerProvider(LogPath, time))
        {
            var logger = provider.CreateLogger("Test");
            for (var i = 0; i < 10; i++) logger.LogWarning("Rejected a key from {Client}", "a");
            time.Advance(RepeatedMessageLimiter.Window);
            logger.LogWarning("Rejected a key from {Client}", "b");
        }

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("from a", lines[0]);
        Assert.Contains("repeated 9 more times", lines[1]);
        Assert.EndsWith("from b", lines[2]);
    }

    [Fact]
    public void Different_warnings_and_information_are_all_written()
    {
        using (var provider = new FileLoggerProvider(LogPath, new FakeTimeProvider()))
        {
            var logger = provider.CreateLogger("Test");
            logger.LogWarning("first {X}", 1);
            logger.LogWarning("second {X}", 2);
            provider.CreateLogger("Other").LogWarning("first {X}", 3);
            for (var i = 0; i < 5; i++) logger.LogInformation("viewer {N} connected", i);
        }

        Assert.Equal(8, File.ReadAllLines(LogPath).Length);
    }

    [Fact]
    public async Task Requests_with_a_bad_key_do_not_grow_the_log_with_each_request()
    {
        await using (var server = await Security.AccessTestServer.StartAsync(new()
        {
            ["TailHub:LogFile"] = LogPath,
            ["Logging:LogLevel:Default"] = "Information",
        }))
        {
            for (var i = 0; i < 200; i++)
            {
                using var response = await Security.AccessTestServer.SendAsync(server, HttpMethod.Get, "/api/sources", "not-a-key-0123456789abcdef");
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        var rejections = File.ReadAllLines(LogPath).Where(l => l.Contains("Rejected an unknown API key")).ToList();
        Assert.Equal(2, rejections.Count);
        Assert.Contains("repeated 199 more times", rejections[1]);
    }
}
