using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>A source's path: a file, or a glob with <c>*</c>, <c>?</c>, <c>[...]</c> and <c>**</c>.</summary>
public sealed class SourcePathTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public SourcePathTests()
    {
        foreach (var name in new[] { "app.log", "app.log.1", "app.log.2.gz", "abc.log", "axc.log", "old/app.log-1", "old/deeper/app.log-2" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_folder.PathOf(name))!);
            File.WriteAllText(_folder.PathOf(name), "");
        }
    }

    public void Dispose() => _folder.Dispose();

    private List<string> Matches(string glob) =>
        SourcePath.Parse(glob, _folder.Path).ExistingFiles().Select(p => Path.GetRelativePath(_folder.Path, p)).ToList();

    [Theory]
    [InlineData("app.log*", new[] { "app.log", "app.log.1", "app.log.2.gz" })]
    [InlineData("app.log.?", new[] { "app.log.1" })]
    [InlineData("a?c.log", new[] { "abc.log", "axc.log" })]
    [InlineData("a[b]c.log", new[] { "abc.log" })]
    [InlineData("a[!b]c.log", new[] { "axc.log" })]
    [InlineData("a[a-c]c.log", new[] { "abc.log" })]
    [InlineData("old/app.log-*", new[] { "old/app.log-1" })]
    [InlineData("old/**/app.log-*", new[] { "old/app.log-1", "old/deeper/app.log-2" })]
    public void A_glob_matches_the_files_its_wildcards_describe(string glob, string[] expected) =>
        Assert.Equal(expected, Matches(glob));

    [Theory]
    [InlineData("a[bc.log", "'['")]
    [InlineData("a]b*.log", "']'")]
    [InlineData("{a,b}*.log", "braces")]
    [InlineData("logs**.log", "'**'")]
    [InlineData("logs/**", "'**'")]
    public void A_glob_TailHub_cannot_match_is_an_error_naming_what_is_wrong(string glob, string expected)
    {
        var error = SourcePath.Parse(glob, _folder.Path).Error;

        Assert.NotNull(error);
        Assert.Contains(expected, error);
    }
}
