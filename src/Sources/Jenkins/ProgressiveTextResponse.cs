namespace TailHub.Sources.Jenkins;

/// <summary>
/// One <c>logText/progressiveText</c> answer: <c>X-Text-Size</c> (a raw log byte offset), whether
/// <c>X-More-Data: true</c> was sent, and the body exactly as received (UTF-8, CRLF-normalized by the server).
/// </summary>
public sealed record ProgressiveTextResponse(long TextSize, bool MoreData, byte[] Body, JenkinsVersion Version);
