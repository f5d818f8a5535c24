using System.Runtime.CompilerServices;
using System.Text.Json;
using ScorePortal.Data;

namespace ScorePortal.Platform.Outbox;

/// <summary>An email to send through the outbox. Bodies are final text in the recipient's language.</summary>
/// <param name="To">One recipient address.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="TextBody">The plain-text body; every message has one.</param>
/// <param name="HtmlBody">An optional HTML alternative of the same content.</param>
/// <param name="Headers">Extra header fields, e.g. List-Unsubscribe; no address or other PII beyond the recipient's own.</param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// The front door of the outbox. Enqueueing only adds a row to the context: the caller's own SaveChanges (inside its
/// transaction, if it has one) commits the message together with the change that causes it, so either both happen or
/// neither does. After the commit the worker is woken and delivers within moments; until then nothing is sent.
/// <code>
/// db.Reviews.Add(review);
/// db.EnqueueEmail(new EmailMessage(address, subject, text));
/// await db.SaveChangesAsync();
/// </code>
/// </summary>
public static class OutboxEnqueueExtensions
{
    internal static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    // Contexts that hold unsaved outbox rows: the interceptor stamps and signals only for those, so the saves of
    // every other feature (the audit writer on the hot path) pay nothing for the outbox.
    private static readonly ConditionalWeakTable<ScorePortalDbContext, object> Pending = new();

    /// <summary>Adds an email to the context (not saved yet).</summary>
    public static OutboxMessage EnqueueEmail(this ScorePortalDbContext db, EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.To)) throw new ArgumentException("An email needs a recipient.", nameof(message));
        return db.Enqueue(OutboxKinds.Email, message);
    }

    /// <summary>Adds a message of any kind to the context (not saved yet); its payload is stored as JSON.</summary>
    /// <param name="kind">The kind whose delivery handler delivers it, e.g. <see cref="OutboxKinds.Email"/>.</param>
    /// <param name="payload">Serialized with web defaults (camelCase); the handler reads it back with the same.</param>
    public static OutboxMessage Enqueue(this ScorePortalDbContext db, string kind, object payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(payload);
        var message = new OutboxMessage
        {
            Kind = kind,
            Payload = JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson),
        };
        db.Add(message);
        Pending.AddOrUpdate(db, Pending);
        return message;
    }

    /// <summary>True once per context that enqueued since its last save; the interceptor asks this when saving.</summary>
    internal static bool HasPending(ScorePortalDbContext db) => Pending.TryGetValue(db, out _);

    internal static void ClearPending(ScorePortalDbContext db) => Pending.Remove(db);
}
