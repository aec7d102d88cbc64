using System.Text;
using System.Text.Json;

namespace TailHub.Alerts;

/// <summary>
/// <c>slack</c>: a Slack incoming webhook (and the services that accept its shape: Mattermost, Rocket.Chat,
/// Discord's <c>/slack</c> endpoint): <c>{"text": …}</c> in Slack's mrkdwn, the line in a code block and a link to it.
/// </summary>
public sealed class SlackFormat : INotificationFormat
{
    public HttpRequestMessage Request(AlertNotification notification, Uri url) => new(HttpMethod.Post, url)
    {
        Content = new StringContent(JsonSerializer.Serialize(new { text = Text(notification) }), Encoding.UTF8, "application/json"),
    };

    public static string Text(AlertNotification n)
    {
        var title = $"*{n.Rule}* on `{n.Source}`";
        return n.Kind switch
        {
            NotificationKind.RollUp =>
                $"{title}: … and {n.Count:N0} more like this in the last {AlertNotification.Describe(n.Window)}\n" +
                $"first: {Code(n.First.Text)}\nlast: {Code(n.Last.Text)}\n<{n.Last.Link}|Open the last one in TailHub>",
            NotificationKind.Test => $"*{n.Rule}*: a test notification from TailHub\n{Code(n.Last.Text)}\n<{n.Last.Link}|Open TailHub>",
            _ => $"{title}\n{Code(n.Last.Text)}\n<{n.Last.Link}|Open in TailHub>",
        };
    }

    /// <summary>Log text in a code block, escaped as Slack asks (&amp;, &lt;, &gt;), so it can neither format nor link.</summary>
    private static string Code(string text) =>
        "```" + text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("```", "`\u200b``") + "```";
}
