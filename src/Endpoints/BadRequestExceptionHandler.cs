using Microsoft.AspNetCore.Diagnostics;

namespace TailHub.Endpoints;

/// <summary>
/// A request the server finds malformed only once an endpoint reads it (a broken chunked body, a body over the
/// limit, one arriving too slowly) surfaces as <see cref="BadHttpRequestException"/>: it is answered with that
/// exception's 4xx status as problem+json, never as a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = "Malformed request", Detail = bad.Message },
        });
    }
}
