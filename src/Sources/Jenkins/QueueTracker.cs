namespace TailHub.Sources.Jenkins;

/// <summary>
/// Follows one queue item until it has an executable (its build number), is cancelled, or is gone. The build number
/// comes only from the item, never from "the job's newest build", which may be a neighbour's. A left item is kept by
/// Jenkins for 5 minutes; after that (or a Jenkins restart) the build is found by its <c>queueId</c>.
/// </summary>
public sealed class QueueTracker(JenkinsClient client, TimeSpan pollInterval, TimeProvider time, ILogger logger, string source)
{
    // An item can 404 for a moment around a Jenkins restart; after this many misses with no build carrying its id, it is gone.
    private const int MissesBeforeGone = 5;

    public async Task<QueueOutcome> WaitForBuildAsync(long queueId, CancellationToken cancellationToken)
    {
        var misses = 0;
        while (true)
        {
            try
            {
                var item = await client.GetQueueItemAsync(queueId, cancellationToken);
                misses = 0;
                if (item.Executable is { } executable) return new QueueOutcome(queueId, executable.Number, false, null);
                if (item.Cancelled == true) return new QueueOutcome(queueId, null, true, $"queue item {queueId} was cancelled");
            }
            catch (JenkinsNotFoundException)
            {
                var job = await client.GetJobAsync(cancellationToken);
                if (job.Builds?.FirstOrDefault(b => b.QueueId == queueId) is { } build) return new QueueOutcome(queueId, build.Number, false, null);
                if (++misses >= MissesBeforeGone)
                    return new QueueOutcome(queueId, null, false, $"queue item {queueId} is gone and no build of the job came from it");
            }
            catch (Exception e) when (JenkinsFaults.IsTransient(e, cancellationToken))
            {
                logger.LogWarning("Source {Source}: cannot read queue item {QueueId} yet: {Error}", source, queueId, e.Message);
            }
            await Task.Delay(pollInterval, time, cancellationToken);
        }
    }
}
