using TailHub.Configuration;

namespace TailHub.Sources.Jenkins;

/// <summary>What a <c>jenkins</c> source needs before it can start; the token itself is only checked to be present.</summary>
public static class JenkinsSourceValidation
{
    // Each poll is a request to a shared Jenkins; the UI itself polls every 5 s.
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromMinutes(10);

    // Jenkins lists a job's newest 100 builds at most (Job.getNewBuilds).
    public const int MaxBuilds = 100;

    public static IEnumerable<string> Errors(JenkinsSourceOptions source)
    {
        if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            yield return "Url must be an absolute http or https URL of the Jenkins root.";
        else if (!string.IsNullOrEmpty(url.UserInfo))
            yield return "Url must not carry credentials; use User and TokenEnv.";

        if (JenkinsJobPath.TryParse(source.Job, out _, out var jobError) is false)
            yield return jobError!;

        if (!JenkinsBuildRef.TryParse(source.Build, out _))
            yield return $"Build must be 'lastBuild' or a build number, not '{source.Build}'.";

        var hasUser = !string.IsNullOrWhiteSpace(source.User);
        var hasTokenEnv = !string.IsNullOrWhiteSpace(source.TokenEnv);
        if (hasUser != hasTokenEnv)
            yield return "User and TokenEnv go together: set both (API token authentication) or neither (anonymous).";
        else if (hasTokenEnv && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(source.TokenEnv!)))
            yield return $"the environment variable '{source.TokenEnv}' named by TokenEnv is not set.";

        if (source.Builds < 1 || source.Builds > MaxBuilds)
            yield return $"Builds must be from 1 to {MaxBuilds} (Jenkins lists a job's newest {MaxBuilds} builds), not {source.Builds}.";

        if (source.PollInterval < MinPollInterval || source.PollInterval > MaxPollInterval)
            yield return $"PollInterval must be from {MinPollInterval.TotalMilliseconds:0} ms to {MaxPollInterval.TotalMinutes:0} minutes.";
        if (source.RequestTimeout < TimeSpan.FromMilliseconds(100) || source.RequestTimeout > TimeSpan.FromMinutes(10))
            yield return "RequestTimeout must be from 100 ms to 10 minutes.";
    }
}
