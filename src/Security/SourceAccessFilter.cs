namespace TailHub.Security;

/// <summary>For routes naming one source (<c>/api/sources/{name}…</c>): 403 when the caller's key is restricted to other sources.</summary>
public sealed class SourceAccessFilter(AccessPolicy access) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetRouteValue("name") is string name && !access.AllowsSource(http.User, name))
            return ValueTask.FromResult<object?>(AccessProblems.Forbidden($"This key may not use source '{(name.Length <= 64 ? name : name[..64] + "…")}'."));
        return next(context);
    }
}
