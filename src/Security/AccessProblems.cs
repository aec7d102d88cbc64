namespace TailHub.Security;

/// <summary>401 and 403 as problem+json; neither ever echoes a key or a token.</summary>
public static class AccessProblems
{
    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
}
