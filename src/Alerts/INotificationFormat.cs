namespace TailHub.Alerts;

/// <summary>How one type of destination wants a notification: the request to send to its URL.</summary>
public interface INotificationFormat
{
    HttpRequestMessage Request(AlertNotification notification, Uri url);
}
