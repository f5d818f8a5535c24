using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ScorePortal.Platform.Outbox;

/// <summary>
/// Sends an email over SMTP now, for an outbox handler of another kind that builds its mail at delivery time (release
/// reminders: the payload holds ids, the address stays in its encrypted row until the send).
/// </summary>
public interface IEmailSender
{
    /// <summary>Sends <paramref name="email"/>; <paramref name="messageKey"/> makes its Message-Id stable across retries.</summary>
    /// <exception cref="PermanentDeliveryException">The server refused the recipient or the message for good.</exception>
    Task SendAsync(EmailMessage email, string messageKey, CancellationToken cancellationToken);
}

/// <summary>Sends <see cref="OutboxKinds.Email"/> messages over SMTP with MailKit (server from <see cref="SmtpOptions"/>).</summary>
internal sealed class EmailOutboxHandler(IOptions<SmtpOptions> options, TimeProvider time) : IOutboxHandler, IEmailSender
{
    public string Kind => OutboxKinds.Email;

    public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        SendMimeAsync(Compose(message), cancellationToken);

    public Task SendAsync(EmailMessage email, string messageKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        return SendMimeAsync(Compose(email, messageKey), cancellationToken);
    }

    private async Task SendMimeAsync(MimeMessage mime, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.UserName))
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        try
        {
            await client.SendAsync(mime, cancellationToken);
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted
                                              && (int)ex.StatusCode >= 500)
        {
            // A 5xx refusal of this recipient or message is final; the server's own text may echo the address.
            throw new PermanentDeliveryException($"SMTP {(int)ex.StatusCode} {ex.ErrorCode}", ex);
        }
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    internal MimeMessage Compose(OutboxMessage message)
    {
        var email = JsonSerializer.Deserialize<EmailMessage>(message.Payload, OutboxEnqueueExtensions.PayloadJson)
                    ?? throw new PermanentDeliveryException("The email payload is empty.");
        return Compose(email, $"outbox-{message.Id}.{message.CreatedAt.ToUnixTimeMilliseconds()}");
    }

    private MimeMessage Compose(EmailMessage email, string messageKey)
    {
        if (!MailboxAddress.TryParse(email.To, out var to))
            throw new PermanentDeliveryException("The recipient is not a valid address.");
        var smtp = options.Value;
        var from = new MailboxAddress(smtp.FromName ?? "", smtp.From);
        var mime = new MimeMessage
        {
            Subject = email.Subject,
            Date = time.GetUtcNow(),
            // One Message-Id per outbox row: should a crash between the server's acceptance and the "delivered" mark
            // make a retry send it again, the receiving side sees the same message and can drop the copy.
            MessageId = $"{messageKey}@{from.Domain}",
            Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody(),
        };
        mime.From.Add(from);
        mime.To.Add(to);
        // Extra headers a feature needs (List-Unsubscribe, RFC 8058); MimeKit folds and encodes them.
        foreach (var (name, value) in email.Headers ?? new Dictionary<string, string>()) mime.Headers.Add(name, value);
        return mime;
    }
}
