using System.Text;

namespace TailHub.Sources.Jenkins;

/// <summary>
/// A job's full name and its URL path: <c>team/service/main</c> is <c>job/team/job/service/job/main/</c>.
/// Item names never contain <c>/</c>, so the full name splits on it; each name is encoded like Jenkins'
/// <c>Util.rawEncode</c>, so a multibranch job named <c>feature%2Flogin</c> becomes <c>feature%252Flogin</c>.
/// </summary>
public sealed record JenkinsJobPath(string FullName, string UrlPath)
{
    // Util.rawEncode leaves letters, digits and these as they are.
    private const string Unreserved = "!$&'()*+,-.=@_";

    public static bool TryParse(string? fullName, out JenkinsJobPath path, out string? error)
    {
        path = null!;
        error = null;
        if (string.IsNullOrWhiteSpace(fullName))
        {
            error = "Job is required: the job's full name, folders separated by '/' (e.g. team/service/main).";
            return false;
        }
        var names = fullName.Trim('/').Split('/');
        if (names.Any(n => n.Length == 0 || n == "." || n == ".."))
        {
            error = $"Job '{fullName}' has an empty, '.' or '..' name between its '/'.";
            return false;
        }
        var url = new StringBuilder();
        foreach (var name in names) url.Append("job/").Append(Encode(name)).Append('/');
        path = new JenkinsJobPath(string.Join('/', names), url.ToString());
        return true;
    }

    private static string Encode(string name)
    {
        var output = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || Unreserved.Contains(c))) output.Append(c);
            else output.Append('%').Append(b.ToString("X2"));
        }
        return output.ToString();
    }

    public override string ToString() => FullName;
}
