using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ScorePortal.Platform.Outbox;

/// <summary>Sends <see cref="OutboxKinds.Email"/> messages over SMTP with MailKit (server from <see cref="SmtpOptions"/>).</summary>
internal sealed class EmailOutboxHandler(IOptions<SmtpOptions> options, TimeProvider time) : IOutboxHandler
{
    public string Kind => OutboxKinds.Email;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var mime = Compose(message);
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
            MessageId = $"outbox-{message.Id}.{message.CreatedAt.ToUnixTimeMilliseconds()}@{from.Domain}",
            Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody(),
        };
        mime.From.Add(from);
        mime.To.Add(to);
        return mime;
    }
}
