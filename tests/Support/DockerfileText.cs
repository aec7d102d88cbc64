namespace TailHub.Tests.Support;

/// <summary>One Dockerfile instruction: its keyword (upper case) and the rest of its line, continuations joined.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments split on white space (the Dockerfile's shell form, with no quoting in it).</summary>
    public string[] Words => Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One build stage: its base image, its name (<c>AS name</c>) and its instructions.</summary>
public sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public DockerInstruction? Last(string keyword) => All(keyword).LastOrDefault();
}

/// <summary>A Dockerfile read the way Docker reads it: comments dropped, <c>\</c> continuations joined, split into stages.</summary>
public static class DockerfileText
{
    public static IReadOnlyList<DockerStage> Parse(string text)
    {
        var stages = new List<(string Image, string? Name, List<DockerInstruction> Instructions)>();
        foreach (var line in LogicalLines(text))
        {
            var space = line.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : line[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                stages.Add((words[0], name, []));
            }
            else if (stages.Count == 0)
            {
                if (keyword != "ARG") throw new FormatException($"'{keyword}' before the first FROM");
            }
            else
            {
                stages[^1].Instructions.Add(new DockerInstruction(keyword, arguments));
            }
        }
        return [.. stages.Select(s => new DockerStage(s.Image, s.Name, s.Instructions))];
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var current = new System.Text.StringBuilder();
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#')) continue;
            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1]).Append(' ');
                continue;
            }
            current.Append(line);
            var whole = current.ToString().Trim();
            current.Clear();
            if (whole.Length > 0) yield return whole;
        }
        if (current.Length > 0) yield return current.ToString().Trim();
    }
}
