using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TailHub.History;

namespace TailHub.Tests.History;

/// <summary>A search over a large file stops scanning when its client goes away.</summary>
[Collection(BigFileCollection.Name)]
public sealed class SearchCancellationTests(BigFileFixture big)
{
    [Fact]
    public async Task A_client_that_disconnects_cancels_the_scan()
    {
        var searches = big.Server.Services.GetRequiredService<HistorySearches>();
        var ended = new TaskCompletionSource<(SearchEnd End, long ScannedTo)>(TaskCreationOptions.RunContinuationsAsynchronously);
        searches.Ended += (end, scannedTo) => ended.TrySetResult((end, scannedTo));
        // Every line matches and the limit is the largest allowed: the hits (tens of megabytes with their context) cannot all fit
        // in the connection's buffers, so the scan is still under way, held back by the unread response, whatever the
        // machine's speed, when the client goes away.
        var query = $"q=line&context=2&limit={BigFileFixture.MaxSearchHits}";
        using (var response = await big.Server.Client.GetAsync($"/api/sources/big/search?{query}", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;
            Assert.Equal("hit", first.GetProperty("type").GetString());
        }

        var (why, scannedTo) = await ended.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SearchEnd.Cancelled, why);
        Assert.True(scannedTo < big.LastSeq, $"scanned to {scannedTo} of {big.LastSeq}");
    }
}
