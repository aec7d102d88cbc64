using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using TailHub.Sources;

namespace TailHub.Pipeline.Redaction;

/// <summary>
/// Masks secrets in a line, once, where lines are made (the tailer, and the journal reading lines back from disk),
/// so no route out of TailHub ever carries the original bytes.
/// </summary>
/// <remarks>
/// Cost: a line is decoded into a pooled buffer and searched once for every rule's trigger substrings at the same
/// time (vectorized); a line with none of them (most lines) is returned as the same array, unchanged. Only lines
/// with a trigger become strings and meet the regular expressions. A rule that times out hides the whole line:
/// a secret must not leak because a pattern was slow.
/// </remarks>
public sealed partial class LineRedactor
{
    /// <summary>What a line whose masking timed out is replaced by.</summary>
    public const string HiddenLine = "*** [line hidden: masking timed out]";

    /// <summary>What replaces private key material.</summary>
    public const string Mask = "***";

    /// <summary>More lines than any private key has: a block never closed stops masking here.</summary>
    private const int MaxPrivateKeyLines = 1000;

    // Base64 lines of a PEM body are 64 characters; one seen outside a known block (a tail that starts mid-key) is
    // masked too. Certificates look the same; masking their bodies costs nothing.
    private const int PemLineLength = 64;

    private readonly IReadOnlyList<RedactionRule> _rules;
    private readonly RedactionRule[] _alwaysTried;
    private readonly SearchValues<string>? _triggers;
    private long _linesMasked;

    public LineRedactor(IReadOnlyList<RedactionRule> rules, bool enabled = true)
    {
        Enabled = enabled;
        _rules = rules;
        _alwaysTried = rules.Where(r => r.Triggers.Count == 0).ToArray();
        var triggers = rules.SelectMany(r => r.Triggers).Append("-----BEGIN").Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _triggers = SearchValues.Create(triggers, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Masks nothing: for tests of other parts, and for <c>TailHub:Redaction:Enabled=false</c>.</summary>
    public static LineRedactor None { get; } = new([], enabled: false);

    public bool Enabled { get; }

    /// <summary>Lines changed by masking so far.</summary>
    public long LinesMasked => Interlocked.Read(ref _linesMasked);

    /// <summary>
    /// The line with its secrets masked: the same array when there is nothing to mask. <paramref name="state"/> is the
    /// file's state before the line and becomes its state after it.
    /// </summary>
    public byte[] Redact(byte[] utf8, ref RedactionState state)
    {
        if (!Enabled) return utf8;
        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var chars = buffer.AsSpan(0, Encoding.UTF8.GetChars(utf8, buffer));
            if (!state.InPrivateKey && !NeedsMasking(chars)) return utf8;
            var masked = MaskLine(new string(chars), ref state);
            if (masked is null) return utf8;
            Interlocked.Increment(ref _linesMasked);
            return Encoding.UTF8.GetBytes(masked);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The number of whole lines in <paramref name="lines"/> when masking them one by one, from
    /// <paramref name="state"/>, would end in the start state again, so they may skip masking now and be masked when
    /// read back, from the start state; -1 when they must be masked one by one now: a private key block is open
    /// before them or may begin in them (a block can only begin at <c>-----BEGIN</c>, see <see cref="PrivateKeyBegin"/>).
    /// </summary>
    public int CountLinesThatKeepStartState(ReadOnlySpan<byte> lines, RedactionState state)
    {
        if (!Enabled) return LineCounter.CountUnlessContains(lines, []);
        return state == RedactionState.Start ? LineCounter.CountUnlessContains(lines, "-----BEGIN"u8) : -1;
    }

    /// <summary>
    /// Whether a rule could match anywhere in <paramref name="text"/> (whole lines, from the start state): false only
    /// when no rule's trigger (nor <c>-----BEGIN</c>) occurs in it and every rule has triggers. With no lone PEM body
    /// line among them either (<see cref="IsPemBodyLine"/>), masking leaves such lines as they are.
    /// </summary>
    public bool MayMatchAnyRule(ReadOnlySpan<char> text) =>
        Enabled && (_alwaysTried.Length > 0 || text.ContainsAny(_triggers!));

    /// <summary>A line of exactly a PEM body line's 64 base64 characters: masked wherever it is.</summary>
    public static bool IsPemBodyLine(ReadOnlySpan<byte> line)
    {
        if (line.Length != PemLineLength) return false;
        foreach (var b in line)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=')) return false;
        }
        return true;
    }

    private bool NeedsMasking(ReadOnlySpan<char> chars)
    {
        if (chars.ContainsAny(_triggers!)) return true;
        if (chars.Length == PemLineLength && IsBase64(chars)) return true;
        foreach (var rule in _alwaysTried)
        {
            try
            {
                if (rule.Pattern.IsMatch(chars)) return true;
            }
            catch (RegexMatchTimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The masked line, or null when it needs no change.</summary>
    private string? MaskLine(string line, ref RedactionState state)
    {
        string result;
        try
        {
            result = state.InPrivateKey ? InsidePrivateKey(line, ref state) : Outside(line, ref state);
        }
        catch (RegexMatchTimeoutException)
        {
            return HiddenLine;
        }
        return result == line ? null : result;
    }

    private string InsidePrivateKey(string line, ref RedactionState state)
    {
        var end = PrivateKeyEnd().Match(line);
        if (end.Success)
        {
            state = RedactionState.Start;
            var before = line.AsSpan(0, end.Index).Trim().IsEmpty ? "" : Mask;
            return before + end.Value + ApplyRules(line[(end.Index + end.Length)..], ref state);
        }
        if (state.PrivateKeyLines < MaxPrivateKeyLines && LooksLikeKeyMaterial(line))
        {
            state = state with { PrivateKeyLines = state.PrivateKeyLines + 1 };
            return line.AsSpan().Trim().IsEmpty ? line : Mask;
        }
        // Not key material: the block was cut short (or never closed); this line is an ordinary one.
        state = RedactionState.Start;
        return Outside(line, ref state);
    }

    private string Outside(string line, ref RedactionState state)
    {
        if (line.Length == PemLineLength && IsBase64(line)) return Mask;
        var begin = PrivateKeyBegin().Match(line);
        if (!begin.Success) return ApplyRules(line, ref state);

        var before = ApplyRules(line[..begin.Index], ref state);
        var rest = line[(begin.Index + begin.Length)..];
        var end = PrivateKeyEnd().Match(rest);
        if (end.Success)
        {
            // A whole key on one line (escaped newlines in JSON, a key in an environment dump).
            return before + begin.Value + Mask + end.Value + ApplyRules(rest[(end.Index + end.Length)..], ref state);
        }
        state = new RedactionState(InPrivateKey: true, PrivateKeyLines: 0);
        return before + begin.Value + (rest.AsSpan().Trim().IsEmpty ? "" : Mask);
    }

    private string ApplyRules(string text, ref RedactionState state)
    {
        if (text.Length == 0) return text;
        foreach (var rule in _rules)
        {
            if (rule.Triggers.Count > 0 && !ContainsAny(text, rule.Triggers)) continue;
            text = rule.Pattern.Replace(text, rule.Replacement);
        }
        return text;
    }

    private static bool ContainsAny(string text, IReadOnlyList<string> triggers)
    {
        foreach (var t in triggers) if (text.Contains(t, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>A PEM body line (base64, possibly after a log prefix), an encryption header, or blank.</summary>
    private static bool LooksLikeKeyMaterial(string line)
    {
        var trimmed = line.AsSpan().Trim();
        if (trimmed.IsEmpty) return true;
        if (trimmed.StartsWith("Proc-Type:", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("DEK-Info:", StringComparison.OrdinalIgnoreCase)) return true;
        return Base64Tail().IsMatch(line);
    }

    private static bool IsBase64(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')) return false;
        }
        return true;
    }

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PrivateKeyBegin();

    [GeneratedRegex(@"-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PrivateKeyEnd();

    /// <summary>A line ending in a run of 16+ base64 characters (a PEM body line, perhaps after a timestamp).</summary>
    [GeneratedRegex(@"[A-Za-z0-9+/]{16,}={0,2}\s*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Base64Tail();
}
