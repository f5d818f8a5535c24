namespace ScorePortal.Platform.Notices.Sms;

/// <summary>
/// One text message: to one number in E.164, a body in final words. The body may hold an ID number or scores, so it
/// is never logged and never audited; <paramref name="SenderRef"/> is what the audit log names instead.
/// </summary>
/// <param name="To">The recipient in E.164 (+8613800138000).</param>
/// <param name="Body">The text; the caller keeps it within two messages (docs/sms.md).</param>
/// <param name="SenderRef">A keyed hash of the number (no PII) that audit entries and limits use.</param>
public sealed record SmsMessage(string To, string Body, string SenderRef);

/// <summary>
/// The one way an SMS leaves the portal: the outbox's SMS handler hands every message to the configured adapter
/// (<see cref="SmsOptions.Adapter"/>). A provider's adapter implements this and joins <c>AddSmsChannel</c>; it returns
/// when the provider accepted the message and throws otherwise (<c>PermanentDeliveryException</c> when retrying cannot
/// help). The message id is the same on every attempt of one message, for the provider's deduplication.
/// </summary>
public interface ISmsSender
{
    /// <summary>The adapter's name, as the start-up log and /healthz say it.</summary>
    string Name { get; }

    Task SendAsync(SmsMessage message, string messageId, CancellationToken cancellationToken);
}
