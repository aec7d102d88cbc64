namespace TailHub.Limits;

/// <summary>
/// Endpoint metadata: this endpoint reads a long, streamed request body and sets its own limits (pushing lines), so
/// the general body-size limit does not apply to it.
/// </summary>
public sealed class StreamedRequestBody;
