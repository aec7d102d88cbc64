namespace TailHub.LoadTests;

/// <summary>
/// One server a scenario runs against, under a label: <c>reference</c> (load-tests/reference/, the floor),
/// <c>tailhub</c> (the repo's build with <c>--set</c>/<c>--server-env</c>), or a named TailHub variant (its own
/// settings, environment or build from <c>--variant LABEL:…</c>), so before and after run back to back in one command.
/// </summary>
public sealed record ServerTarget(string Label, ServerLauncher Launcher, IReadOnlyDictionary<string, string> Settings)
{
    public const string ReferenceLabel = "reference";
    public const string TailHubLabel = "tailhub";

    public bool IsReference => Label == ReferenceLabel;

    /// <summary>
    /// The targets <c>--against</c> names, in its order. <paramref name="variants"/> are <c>LABEL:set:KEY=VALUE</c>,
    /// <c>LABEL:env:NAME=VALUE</c>, <c>LABEL:arg:ARG</c> or <c>LABEL:dll:PATH</c>, each on top of what <c>tailhub</c> has.
    /// </summary>
    public static IReadOnlyList<ServerTarget> Parse(string against, IReadOnlyList<string> variants, ServerOptions tailhub, IReadOnlyDictionary<string, string> settings,
        int referenceBatchMs, Func<ServerOptions, ServerLauncher> launcher)
    {
        var targets = new List<ServerTarget>();
        foreach (var label in against.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (targets.Any(t => t.Label == label)) throw new ArgumentException($"--against names '{label}' twice");
            if (label == ReferenceLabel)
            {
                // --server-env reaches every server (e.g. DOTNET_PerfMapEnabled=1 for a profile of both); settings are TailHub's.
                targets.Add(new ServerTarget(label, launcher(new ServerOptions(null, tailhub.Build, [], tailhub.Environment, referenceBatchMs)), new Dictionary<string, string>()));
                continue;
            }
            var options = tailhub;
            var own = new Dictionary<string, string>(settings);
            var found = label == TailHubLabel;
            foreach (var variant in variants)
            {
                var parts = variant.Split(':', 3);
                if (parts.Length != 3) throw new ArgumentException($"--variant '{variant}' is not LABEL:set|env|arg|dll:VALUE");
                if (parts[0] != label) continue;
                found = true;
                switch (parts[1])
                {
                    case "set" when parts[2].IndexOf('=') is > 0 and var eq:
                        own[parts[2][..eq]] = parts[2][(eq + 1)..];
                        break;
                    case "env" when parts[2].Contains('='):
                        options = options with { Environment = [.. options.Environment, parts[2]] };
                        break;
                    case "arg":
                        options = options with { ExtraArgs = [.. options.ExtraArgs, parts[2]] };
                        break;
                    case "dll":
                        options = options with { DllPath = Path.GetFullPath(parts[2]), Build = false };
                        break;
                    default:
                        throw new ArgumentException($"--variant '{variant}' is not LABEL:set:KEY=VALUE, LABEL:env:NAME=VALUE, LABEL:arg:ARG or LABEL:dll:PATH");
                }
            }
            if (!found) throw new ArgumentException($"--against names '{label}', which is neither reference, tailhub nor a --variant label");
            targets.Add(new ServerTarget(label, launcher(options), own));
        }
        if (targets.Count == 0) throw new ArgumentException("--against names no server");
        return targets;
    }
}
