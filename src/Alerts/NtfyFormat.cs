using System.Text;

namespace TailHub.Alerts;

/// <summary>
/// <c>ntfy</c>: a POST to the topic's URL (<c>https://ntfy.sh/my-topic</c>) with the line as the message, the rule and
/// source as its title, a high priority for errors and fatal lines, and the link to the line as its click action.
/// </summary>
public sealed class NtfyFormat : INotificationFormat
{
    public HttpRequestMessage Request(AlertNotification notification, Uri url)
    {
        var n = notification;
        var message = n.Kind switch
        {
            NotificationKind.RollUp => $"… and {n.Count:N0} more like this in the last {AlertNotification.Describe(n.Window)}\nfirst: {n.First.Text}\nlast: {n.Last.Text}",
            NotificationKind.Test => $"A test notification from TailHub\n{n.Last.Text}",
            _ => n.Last.Text,
        };
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(message, Encoding.UTF8, "text/plain") };
        // Rule and source names are ASCII by validation, and so is the link: all fit in headers.
        request.Headers.TryAddWithoutValidation("Title", n.Kind == NotificationKind.Test ? $"{n.Rule} (test)" : $"{n.Rule} on {n.Source}");
        request.Headers.TryAddWithoutValidation("Priority", n.Last.Level >= Pipeline.LineLevel.Error ? "high" : "default");
        request.Headers.TryAddWithoutValidation("Tags", n.Last.Level >= Pipeline.LineLevel.Error ? "rotating_light" : "bell");
        request.Headers.TryAddWithoutValidation("Click", n.Last.Link);
        return request;
    }
}
