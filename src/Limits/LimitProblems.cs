namespace TailHub.Limits;

/// <summary>problem+json answers for requests over a limit.</summary>
public static class LimitProblems
{
    /// <summary>429 or 503 with a <c>Retry-After</c> header.</summary>
    public static IResult TryLater(HttpContext context, int status, string title, string detail, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["retryAfter"] = retryAfterSeconds });
    }
}
