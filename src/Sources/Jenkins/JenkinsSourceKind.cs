namespace TailHub.Sources.Jenkins;

/// <summary><c>"Type": "jenkins"</c>: a job's build consoles, kept in spools under the source's data directory.</summary>
public sealed class JenkinsSourceKind : SourceKind<JenkinsSourceOptions>
{
    public override string Type => "jenkins";

    protected override IEnumerable<string> Validate(JenkinsSourceOptions options, SourceKindContext context) => JenkinsSourceValidation.Errors(options);

    protected override ISource Create(JenkinsSourceOptions options, SourceKindContext context) =>
        new JenkinsSource(options, Path.Combine(context.SourceDirectory(options.Name), "builds"), context.Time, context.Loggers);
}
