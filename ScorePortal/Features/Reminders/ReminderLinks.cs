using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using ScorePortal.Security;

namespace ScorePortal.Features.Reminders;

/// <summary>
/// The keyed parts of a subscription: the blind index of its address, and the tokens of its confirmation and
/// unsubscribe links. A token is an HMAC of the purpose, the subscription's id and its random <c>RowKey</c> under a key of
/// its own (derived from <c>Security:DerivationKey</c>): it opens that one subscription for that one purpose, so an
/// unsubscribe link of one address can do nothing to another, and nothing about a link lets one guess another's.
/// Rotating the derivation key ends the links already mailed (docs/reminders.md).
/// </summary>
public sealed class ReminderLinks(BlindIndex index, KeyDerivation keys, IConfiguration configuration)
{
    public const string ConfirmPurpose = "confirm";
    public const string UnsubscribePurpose = "unsubscribe";

    private readonly byte[] _key = keys.DeriveKey("ScorePortal reminder links");

    private readonly Uri? _publicBase = configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured
        ? new Uri(configured.EndsWith('/') ? configured : configured + "/")
        : null;

    /// <summary>
    /// The address links are built on: <c>Portal:PublicBaseUrl</c> (required in Production); unset (Development), the
    /// request's, or http://localhost/ for mail written by the worker, which has no request.
    /// </summary>
    public Uri Base(Uri? requestBase = null) => _publicBase ?? requestBase ?? new Uri("http://localhost/");

    /// <summary>The index of an address: trimmed and lower-cased, so "A@x.org" and "a@x.org " are one subscriber.</summary>
    public byte[] EmailIndex(string email) => index.Compute("reminder-email", Normalize(email));

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public string Token(string purpose, long subscriptionId, Guid rowKey) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}:{subscriptionId}:{rowKey:N}")));

    public bool Verify(string purpose, long subscriptionId, Guid rowKey, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return false;
        var expected = Encoding.ASCII.GetBytes(Token(purpose, subscriptionId, rowKey));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token));
    }

    public Uri ConfirmUrl(Uri baseUrl, ReminderSubscription subscription) =>
        new(baseUrl, $"reminders/confirm?s={subscription.Id}&t={Token(ConfirmPurpose, subscription.Id, subscription.RowKey)}");

    /// <summary>The page with the one button (the link in the mail's text).</summary>
    public Uri UnsubscribeUrl(Uri baseUrl, ReminderSubscription subscription) =>
        new(baseUrl, $"reminders/unsubscribe?s={subscription.Id}&t={Token(UnsubscribePurpose, subscription.Id, subscription.RowKey)}");

    /// <summary>The RFC 8058 one-click address (List-Unsubscribe): a POST there unsubscribes, a GET shows the page.</summary>
    public Uri OneClickUrl(Uri baseUrl, ReminderSubscription subscription) =>
        new(baseUrl, $"reminders/one-click?s={subscription.Id}&t={Token(UnsubscribePurpose, subscription.Id, subscription.RowKey)}");

    /// <summary>The headers every reminder mail carries (RFC 2369 and RFC 8058).</summary>
    public IReadOnlyDictionary<string, string> UnsubscribeHeaders(Uri baseUrl, ReminderSubscription subscription) => new Dictionary<string, string>
    {
        ["List-Unsubscribe"] = $"<{OneClickUrl(baseUrl, subscription).AbsoluteUri}>",
        ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
    };
}
