namespace TailHub.Observability;

public static class ReadOnlyEndpoints
{
    /// <summary>
    /// Limits an endpoint mapped for every method (health checks, the Prometheus scrape) to GET and HEAD, so any other
    /// method is answered 405 like the rest of the API.
    /// </summary>
    public static TBuilder ForReadingOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
}
