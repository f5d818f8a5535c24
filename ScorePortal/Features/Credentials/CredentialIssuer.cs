using System.Globalization;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// Who issues: <c>did:web</c> of the portal's public host (<c>Portal:PublicBaseUrl</c>, required in Production; the
/// request's host in Development), the port percent-encoded as the did:web method requires (<c>did:web:host%3A8443</c>),
/// and the base address the status lists are published under. A path in the public address is not used: the DID
/// document is always <c>/.well-known/did.json</c> of the host.
/// </summary>
public sealed record CredentialIssuer(string Did, string BaseUrl)
{
    public const string DidDocumentPath = "/.well-known/did.json";
    public const string StatusPath = "/credentials/status/";

    public static CredentialIssuer For(Uri origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var host = origin.IdnHost;
        var did = "did:web:" + (origin.IsDefaultPort ? host : host + "%3A" + origin.Port.ToString(CultureInfo.InvariantCulture));
        var baseUrl = origin.GetLeftPart(UriPartial.Authority);
        return new CredentialIssuer(did, baseUrl);
    }

    /// <summary>The configured public address when set, else the request's own origin.</summary>
    public static CredentialIssuer For(HttpContext context, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(configuration);
        if (Uri.TryCreate(configuration["Portal:PublicBaseUrl"], UriKind.Absolute, out var configured)) return For(configured);
        return For(new Uri($"{context.Request.Scheme}://{context.Request.Host}"));
    }

    public string KeyId(CredentialSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Did + "#" + key.Fragment;
    }

    public string StatusListUrl(string purpose, int listNumber) =>
        BaseUrl + StatusPath + StatusListName(purpose, listNumber);

    public static string StatusListName(string purpose, int listNumber) =>
        purpose + "-" + listNumber.ToString(CultureInfo.InvariantCulture);
}
