using System.Text.Json;

namespace TailHub.Endpoints;

/// <summary>The body of a request that starts something with parameters (a build, a run): empty, or a JSON object.</summary>
public static class ParameterBody
{
    /// <summary>An empty body or a JSON object of name → string, number or boolean.</summary>
    public static async Task<(List<KeyValuePair<string, string>>? Parameters, string? Error)> ReadAsync(HttpRequest request, string what)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0) return (parameters, null);
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, $"the body must be a JSON object of {what} (Content-Type: application/json).");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            return (null, $"the body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, $"the body must be a JSON object of {what}, name → value.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Length == 0) return (null, "a parameter name is empty.");
                if (!seen.Add(property.Name)) return (null, $"parameter '{Problems.Clip(property.Name)}' is given twice.");
                string? value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => null,
                };
                if (value is null)
                    return (null, $"parameter '{Problems.Clip(property.Name)}' must be a string, a number or a boolean.");
                parameters.Add(new(property.Name, value));
            }
        }
        return (parameters, null);
    }
}
