using System.Net;

namespace ScorePortal.Account.Passkeys;

/// <summary>
/// Where passkeys belong (<c>Passkeys:</c>): the relying-party id every passkey is bound to. A browser refuses an IP
/// address as that id, and a passkey made for one id never works under another, so it comes from configuration (never
/// from the request's Host header, which a client chooses) and Production refuses to start without it.
/// </summary>
public sealed class PasskeysOptions
{
    public const string Section = "Passkeys";

    /// <summary>
    /// The portal's host name, or a registrable suffix of it (e.g. <c>scores.example.org</c> or <c>example.org</c>):
    /// no scheme, port or path, never an IP address. Unset: the request's host is used (development only).
    /// </summary>
    public string? ServerDomain { get; set; }

    /// <summary>How many passkeys one account may keep.</summary>
    public int MaxPerAccount { get; set; } = 20;

    /// <summary>Whether <paramref name="domain"/> can be a relying-party id: a DNS name, not an address.</summary>
    public static bool IsValidDomain(string? domain) =>
        !string.IsNullOrWhiteSpace(domain)
        && !IPAddress.TryParse(domain.Trim('[', ']'), out _)
        && Uri.CheckHostName(domain) == UriHostNameType.Dns
        && !domain.EndsWith('.');
}
