using System.Text.RegularExpressions;

namespace TailHub.Sources.Runs;

/// <summary>
/// The parameters a source's runs may be started with: only names in the allow-list, each value matching its
/// pattern whole. Values are handed to the process as separate arguments or environment variables, never put into
/// a shell command line, so a pattern restricts what a run may be asked to do, not how a value is quoted.
/// </summary>
public sealed partial class RunParameters
{
    public const int MaxValueLength = 1024;

    // Names a process's loader or shell acts on by themselves: no value from a request may set them.
    private static readonly string[] ReservedNames = ["PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "HOME", "SHELL"];

    private readonly Dictionary<string, Regex?> _allowed;

    private RunParameters(Dictionary<string, Regex?> allowed) => _allowed = allowed;

    public static RunParameters None { get; } = new([]);

    public IReadOnlyCollection<string> Names => _allowed.Keys;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex Name();

    /// <summary>What is wrong with the configured allow-list, as sentences.</summary>
    public static IEnumerable<string> Errors(IReadOnlyDictionary<string, string> configured)
    {
        foreach (var (name, pattern) in configured)
        {
            if (!Name().IsMatch(name))
                yield return $"Parameters: '{name}' is not a valid name (letters, digits and '_', not starting with a digit; it becomes an environment variable).";
            else if (IsReserved(name))
                yield return $"Parameters: '{name}' may not be set by a request (the loader or the shell acts on it).";
            if (!string.IsNullOrEmpty(pattern) && Compile(pattern) is null)
                yield return $"Parameters: the pattern of '{name}' is not a valid regular expression.";
        }
    }

    public static RunParameters From(IReadOnlyDictionary<string, string> configured) =>
        new(configured.ToDictionary(kv => kv.Key, kv => string.IsNullOrEmpty(kv.Value) ? null : Compile(kv.Value), StringComparer.Ordinal));

    /// <summary>The parameters, checked; throws <see cref="RunRejectedException"/> naming the first one not allowed.</summary>
    public IReadOnlyDictionary<string, string> Check(IReadOnlyList<KeyValuePair<string, string>> requested)
    {
        var accepted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in requested)
        {
            var shown = name.Length <= 64 ? name : name[..64] + "…";
            if (!_allowed.TryGetValue(name, out var pattern))
                throw Rejected(_allowed.Count == 0
                    ? $"this source takes no parameters, and '{shown}' was given."
                    : $"parameter '{shown}' is not allowed (allowed: {string.Join(", ", _allowed.Keys.Order(StringComparer.Ordinal))}).");
            if (value.Length > MaxValueLength || value.Any(char.IsControl))
                throw Rejected($"the value of '{name}' must be at most {MaxValueLength} characters, with no control characters.");
            bool matches;
            try
            {
                matches = pattern?.IsMatch(value) ?? true;
            }
            catch (RegexMatchTimeoutException)
            {
                matches = false;
            }
            if (!matches) throw Rejected($"the value of '{name}' does not match the pattern this source allows for it.");
            accepted[name] = value;
        }
        return accepted;
    }

    private static RunRejectedException Rejected(string message) => new(RunRejection.InvalidParameters, message);

    private static bool IsReserved(string name) =>
        ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith("LD_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DYLD_", StringComparison.OrdinalIgnoreCase);

    private static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
