namespace TailHub.Endpoints;

/// <summary>problem+json responses for bad input, with the field at fault named.</summary>
public static class Problems
{
    public static IResult BadRequest(string parameter, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {parameter}",
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    public static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    /// <summary>Echoes client input into a message only in short form.</summary>
    public static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
