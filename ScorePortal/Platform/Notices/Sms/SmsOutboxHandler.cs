using System.Globalization;
using System.Text.Json;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Platform.Notices.Sms;

/// <summary>
/// Delivers <see cref="SmsOutbox.Kind"/> messages through the configured <see cref="ISmsSender"/> and audits each one
/// sent, without its number or body (its sender reference and its length in messages).
/// </summary>
internal sealed class SmsOutboxHandler(ISmsSender sender, AuditLog audit) : IOutboxHandler
{
    public string Kind => SmsOutbox.Kind;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var sms = JsonSerializer.Deserialize<SmsMessage>(message.Payload, SmsOutbox.Json)
                  ?? throw new PermanentDeliveryException("The SMS payload is empty.");
        await sender.SendAsync(sms, message.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await audit.WriteAsync(new AuditRecord(AuditActions.SmsSend, TargetType: "OutboxMessage",
            TargetId: message.Id.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?>
            {
                ["sender"] = sms.SenderRef,
                ["adapter"] = sender.Name,
                ["parts"] = SmsLength.Parts(sms.Body).ToString(CultureInfo.InvariantCulture),
            }), cancellationToken);
    }
}

/// <summary>The front door of outbound SMS: enqueue in the caller's context, delivered after its commit.</summary>
public static class SmsOutbox
{
    public const string Kind = "sms";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an SMS to the context (not saved yet); the payload is encrypted at rest like every outbox payload.</summary>
    public static OutboxMessage EnqueueSms(this ScorePortalDbContext db, SmsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.To);
        return db.Enqueue(Kind, message);
    }
}
