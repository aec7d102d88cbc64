using TailHub.Configuration;

namespace TailHub.Sources.Jenkins;

/// <summary>A <c>jenkins</c> source: a job's builds, followed through <c>progressiveText</c>.</summary>
public sealed class JenkinsSourceOptions : SourceOptions
{
    public JenkinsSourceOptions() => Type = "jenkins";

    /// <summary>The root URL, e.g. <c>https://jenkins.example.com</c> (a context path such as <c>/jenkins</c> may follow).</summary>
    public string? Url { get; set; }

    /// <summary>The job's full name; folders are separated by <c>/</c> (<c>team/service/main</c>).</summary>
    public string? Job { get; set; }

    /// <summary><c>lastBuild</c> (the default) or a build number.</summary>
    public string Build { get; set; } = "lastBuild";

    /// <summary>The user ID whose API token is in <see cref="TokenEnv"/>; both empty means anonymous.</summary>
    public string? User { get; set; }

    /// <summary>The name of the environment variable holding the API token (never the token itself).</summary>
    public string? TokenEnv { get; set; }

    /// <summary>When a build ends, wait for the job's next build and follow it too.</summary>
    public bool Follow { get; set; }

    /// <summary>
    /// How many of the job's most recent builds are runs of the source: read when TailHub starts (those not read
    /// yet, oldest first) and listed by <c>GET /api/sources/{name}/runs</c>.
    /// </summary>
    public int Builds { get; set; } = 20;

    /// <summary>How often the console, the build and the queue are polled; also the first retry delay.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One HTTP attempt gives up after this long and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
