namespace DigitalCell.Web;

/// <summary>
/// A request the platform refuses, with the HTTP status and a message naming the field and value; the error
/// middleware writes it as <c>{"error": …, "field": …, "suggestions": […], "request_id": …}</c>.
/// </summary>
internal sealed class ApiProblem(int status, string message, string? field = null, IReadOnlyList<string>? suggestions = null) : Exception(message)
{
    /// <summary>The HTTP status (4xx, or 503 while starting).</summary>
    public int Status { get; } = status;

    /// <summary>The request field at fault, when one is.</summary>
    public string? Field { get; } = field;

    /// <summary>Close matches for an unknown name.</summary>
    public IReadOnlyList<string> Suggestions { get; } = suggestions ?? [];
}

/// <summary>The body of every error answer.</summary>
/// <param name="Error">What is wrong and how to fix it.</param>
/// <param name="Field">The request field at fault, when one is.</param>
/// <param name="Suggestions">Close matches for an unknown name.</param>
/// <param name="RequestId">The id the server's log shows for this request.</param>
public sealed record ErrorBody(string Error, string? Field, IReadOnlyList<string> Suggestions, string RequestId);
