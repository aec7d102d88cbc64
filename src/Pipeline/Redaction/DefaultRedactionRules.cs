namespace TailHub.Pipeline.Redaction;

/// <summary>
/// Built-in rules for secrets commonly found in logs. Each keeps what says what the secret was (the key name, the
/// token's prefix) and masks the value, so a reader still sees that, e.g., a password was logged.
/// PEM private keys span lines and are handled by <see cref="LineRedactor"/> itself.
/// </summary>
public static class DefaultRedactionRules
{
    public static IEnumerable<RedactionRuleOptions> All =>
    [
        // Authorization: Bearer …, Authorization: Basic …, "authorization": "token …"
        Rule("authorization-header",
            """(?i)(authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token|digest|negotiate)\s+)?[^\s"',;]+""",
            "$1$2***", "authorization"),
        // A bearer token outside a header (16+ characters, so "bearer authentication" stays).
        Rule("bearer-token", """(?i)\b(bearer\s+)[A-Za-z0-9._~+/-]{16,}=*""", "$1***", "bearer"),
        // password=…, "db_password": "…", (the key's prefix is bounded so a long word costs linear time) api_key: …, aws_secret_access_key = …, client_secret=…, token=…
        Rule("key-value",
            """(?i)(?<![A-Za-z0-9])([A-Za-z0-9_.-]{0,40}(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)["']?\s*[=:]\s*["']?)(?!\*\*\*)[^\s"'&,;]+""",
            "$1***", "pass", "pwd", "secret", "token", "key"),
        // A password in a URL: scheme://user:password@host (Jenkins, databases, git remotes).
        Rule("url-credentials", """(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@""", "$1***@", "://"),
        Rule("aws-access-key-id", """\b(AKIA|ASIA)[0-9A-Z]{16}\b""", "$1***", "akia", "asia"),
        Rule("github-token", """\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b""", "$1_***", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        Rule("github-fine-grained-token", """\bgithub_pat_[A-Za-z0-9_]{20,}""", "github_pat_***", "github_pat_"),
        Rule("slack-token", """\b(xox[abposr])-[A-Za-z0-9-]{10,}""", "$1-***", "xox"),
        Rule("slack-webhook", """(?i)(hooks\.slack\.com/services/)[A-Za-z0-9/_-]+""", "$1***", "hooks.slack.com"),
        // Jenkins API tokens: the current format is "11" + 32 hex digits after "user:". The legacy 32-hex format is
        // only masked where it is clearly a credential (curl -u / --user), since hashes after a colon are common.
        Rule("jenkins-api-token", """(?<![A-Za-z0-9])([A-Za-z0-9._@-]+:)11[0-9a-f]{32}(?![A-Za-z0-9])""", "$1***", ":11"),
        Rule("user-credentials-option", """(?<!\S)((?:-u|--user)(?:\s+|=)[^\s:]+:)\S+""", "$1***", "-u ", "-u=", "--user"),
        // JSON Web Tokens: header and payload are base64url JSON, so both start with "eyJ".
        Rule("jwt", """\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*""", "eyJ***", "eyj"),
    ];

    private static RedactionRuleOptions Rule(string name, string pattern, string replacement, params string[] triggers) =>
        new() { Name = name, Pattern = pattern, Replacement = replacement, Triggers = [.. triggers] };
}
