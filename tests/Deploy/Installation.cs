using System.Diagnostics;
using TailHub.Tests.Support;

namespace TailHub.Tests.Deploy;

/// <summary>
/// TailHub built the ways a user installs it, once for all the install tests (each build takes tens of seconds):
/// the Dockerfile's build stage run outside Docker, in a folder holding only what that stage copies (so the
/// Dockerfile copies all the build needs), which yields the single-file binary; and, in a second such folder,
/// <c>dotnet pack</c> then <c>dotnet tool install --tool-path</c>, which yields the <c>tailhub</c> command. Everything
/// is built in a temporary folder: the working tree is left as it was.
/// </summary>
public sealed class Installation : IAsyncLifetime
{
    // A safety net, not a goal: the builds take about a minute on an idle 2-core machine, many more on a busy one.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);

    public TempFolder Folder { get; } = new();

    public static string Repository => TailHubServer.RepositoryRoot;

    public static string DockerfilePath => Path.Combine(Repository, "Dockerfile");

    public IReadOnlyList<DockerStage> Dockerfile { get; } = DockerfileText.Parse(File.ReadAllText(DockerfilePath));

    /// <summary>Where the Dockerfile's publish put its output (its <c>-o /out</c>).</summary>
    public string PublishFolder => Folder.PathOf("out");

    /// <summary>The single-file binary, as the Dockerfile copies it into the image.</summary>
    public string Binary => Path.Combine(PublishFolder, "TailHub");

    /// <summary>The command <c>dotnet tool install</c> put on the tool path.</summary>
    public string Tool => Folder.PathOf("tools/tailhub");

    public string ToolPath => Folder.PathOf("tools");

    public Task InitializeAsync() => Task.WhenAll(BuildAsTheDockerfileDoesAsync(), PackAndInstallToolAsync());

    public Task DisposeAsync()
    {
        Folder.Dispose();
        return Task.CompletedTask;
    }

    private async Task BuildAsTheDockerfileDoesAsync()
    {
        var build = Dockerfile[0];
        var context = StageCopies(build, Folder.PathOf("docker-build"));
        foreach (var run in build.All("RUN"))
        {
            var words = run.Words;
            if (words[0] != "dotnet") throw new InvalidOperationException($"the build stage runs '{run.Arguments}', not a dotnet command");
            await RunAsync(context, "dotnet", words[1..].Select(w => w == "/out" ? PublishFolder : w));
        }
    }

    private async Task PackAndInstallToolAsync()
    {
        var context = StageCopies(Dockerfile[0], Folder.PathOf("tool-build"));
        var package = Folder.PathOf("package");
        // The README's commands; the install runs outside the project's folder, where `dotnet tool install` works.
        await RunAsync(context, "dotnet", ["pack", "TailHub.csproj", "-c", "Release", "-o", package]);
        await RunAsync(Folder.Path, "dotnet", ["tool", "install", "--tool-path", ToolPath, "TailHub", "--source", package]);
    }

    /// <summary>A folder holding what the stage's COPY instructions copy from the repository, where its WORKDIR would be.</summary>
    private static string StageCopies(DockerStage stage, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var copy in stage.All("COPY"))
        {
            var words = copy.Words;
            if (words.Any(w => w.StartsWith("--", StringComparison.Ordinal))) throw new InvalidOperationException($"unexpected COPY {copy.Arguments}");
            var target = Path.Combine(folder, words[^1].TrimStart('.', '/'));
            foreach (var source in words[..^1])
            {
                var from = Path.Combine(Repository, source.TrimEnd('/'));
                if (Directory.Exists(from)) CopyFolder(from, target);
                else File.Copy(from, Path.Combine(target, Path.GetFileName(from)));
            }
        }
        return folder;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// Runs a command to its end; at a lower priority (<c>nice</c>), so that the builds take the CPU the other tests
    /// leave and never starve the processes those tests time.
    /// </summary>
    private static async Task RunAsync(string workingDirectory, string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("nice")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-n", "10", program }.Concat(args)) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // No build servers left running after the tests (MSBuild nodes, the compiler server).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', start.ArgumentList)} took over {CommandTimeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{await output}\n{await errors}");
    }
}
