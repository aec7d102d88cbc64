using TailHub.Configuration;

namespace TailHub.Sources;

/// <summary>
/// One kind of source (<c>Type</c> in configuration): validates a configured source of its kind at start-up and
/// makes it. Adding a kind is a class implementing this (usually through <see cref="SourceKind{TOptions}"/>), its
/// options and its source, registered in <see cref="SourceKinds"/>.
/// </summary>
public interface ISourceKind
{
    /// <summary>The <c>Type</c> value that selects this kind, lower case.</summary>
    string Type { get; }

    /// <summary>Everything wrong with <paramref name="section"/> (one configured source), as sentences; empty when it can start.</summary>
    IEnumerable<string> Validate(IConfigurationSection section, SourceKindContext context);

    ISource Create(IConfigurationSection section, SourceKindContext context);
}

/// <summary>A kind with typed options bound from the source's configuration section.</summary>
public abstract class SourceKind<TOptions> : ISourceKind where TOptions : SourceOptions, new()
{
    public abstract string Type { get; }

    public IEnumerable<string> Validate(IConfigurationSection section, SourceKindContext context) => Validate(Bind(section), context);

    public ISource Create(IConfigurationSection section, SourceKindContext context) => Create(Bind(section), context);

    protected abstract IEnumerable<string> Validate(TOptions options, SourceKindContext context);

    protected abstract ISource Create(TOptions options, SourceKindContext context);

    private static TOptions Bind(IConfigurationSection section)
    {
        var options = new TOptions();
        section.Bind(options);
        return options;
    }
}
