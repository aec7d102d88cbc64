using System.Text;
using TailHub.Sources.Jenkins;

namespace TailHub.Tests.Sources.Jenkins;

public sealed class JenkinsNamingTests
{
    [Fact]
    public void A_job_full_name_with_folders_maps_to_nested_job_segments()
    {
        Assert.True(JenkinsJobPath.TryParse("team/service/main", out var path, out _));
        Assert.Equal("job/team/job/service/job/main/", path.UrlPath);
    }

    [Fact]
    public void Job_names_are_encoded_like_rawEncode_so_a_multibranch_branch_is_encoded_twice()
    {
        Assert.True(JenkinsJobPath.TryParse("org/my repo/feature%2Flogin", out var path, out _));
        Assert.Equal("job/org/job/my%20repo/job/feature%252Flogin/", path.UrlPath);
    }

    [Fact]
    public void A_job_with_an_empty_name_between_slashes_is_rejected()
    {
        Assert.False(JenkinsJobPath.TryParse("team//main", out _, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("2.504.3", false)]
    [InlineData("2.508", false)]
    [InlineData("2.509", true)]
    [InlineData("2.541.1", true)]
    public void The_X_Jenkins_version_decides_whether_the_text_size_can_run_past_the_body(string header, bool runsPast)
    {
        Assert.Equal(runsPast, JenkinsVersion.Parse(header).HeaderRunsPastBody);
    }

    [Fact]
    public void Console_notes_are_removed_and_text_that_only_looks_like_one_is_kept()
    {
        var output = new List<byte>();
        ConsoleNoteStripper.Strip(Encoding.UTF8.GetBytes("a\x1b[8mha:QUJD\x1b[0mb \x1b[8mha:not a note c"), output);

        Assert.Equal("ab \x1b[8mha:not a note c", Encoding.UTF8.GetString(output.ToArray()));
    }
}
