using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TailHub.Pipeline.Redaction;
using TailHub.Sources;

namespace TailHub.Configuration;

/// <summary>
/// Checks what data annotations cannot: names, duplicates, and each source against its kind's own rules (the kind
/// binds the source's section to its typed options and says what is wrong with them).
/// </summary>
public sealed partial class TailHubOptionsValidator(IHostEnvironment environment, IConfiguration configuration, SourceKinds kinds) : IValidateOptions<TailHubOptions>
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex SourceName();

    public ValidateOptionsResult Validate(string? name, TailHubOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var context = new SourceKindContext(options, environment.ContentRootPath,
            Path.GetFullPath(options.DataDirectory, environment.ContentRootPath), LineRedactor.None, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var sections = configuration.GetSection(TailHubOptions.Section).GetSection("Sources").GetChildren().ToList();
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            var sourceName = section["Name"] ?? "";
            var label = string.IsNullOrEmpty(sourceName) ? $"Sources[{i}]" : $"source '{sourceName}'";
            if (!SourceName().IsMatch(sourceName))
                errors.Add($"{label}: Name must be 1-64 characters of letters, digits, '-' or '_', starting with a letter or digit (it becomes the SSE event name).");
            else if (ReservedEventNames.Contains(sourceName))
                errors.Add($"{label}: Name '{sourceName}' is reserved for TailHub's own events ({string.Join(", ", ReservedEventNames)}).");
            else if (!seen.Add(sourceName))
                errors.Add($"{label}: the name is used by another source; names must be unique (ignoring case).");

            if (kinds.Find(section["Type"]) is not { } kind)
                errors.Add($"{label}: Type '{section["Type"]}' is not supported (supported: {string.Join(", ", kinds.Types)}).");
            else
                errors.AddRange(kind.Validate(section, context).Select(e => $"{label}: {e}"));
            var retention = new List<string>();
            History.Retention.RetentionOptions.From(section, retention);
            errors.AddRange(retention.Select(e => $"{label}: {e}"));
        }
        if (options.PublicUrl is { Length: > 0 } publicUrl && (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            errors.Add($"PublicUrl '{publicUrl}' must be an absolute http:// or https:// URL (where people open TailHub).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Event names a source name must not shadow: those TailHub itself sends, and those the browser's
    /// <c>EventSource</c> gives meaning to (<c>open</c> and <c>error</c> fire on connection changes, <c>message</c> is
    /// the default type), which a page listening for the source's lines would mistake for them.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedEventNames =
        new HashSet<string>(["message", "open", "error", "gap", "rotated", "truncated", "status"], StringComparer.OrdinalIgnoreCase);
}
