using Microsoft.Extensions.Options;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>
/// The rules a callback URL meets when it is saved, the same the connection applies at every delivery: absolute,
/// HTTPS, no user name or password in it, no fragment, at most <see cref="Enterprise.WebhookUrlMaxLength"/> characters,
/// and a host that resolves to public addresses only (<see cref="WebhookAddresses"/>). Plain HTTP to loopback passes
/// only with the test-only <see cref="WebhookOptions.AllowLoopbackHttpForTests"/>.
/// </summary>
public sealed class WebhookUrls(WebhookConnector connector, IOptions<WebhookOptions> options)
{
    public const string Required = "Webhooks.Error.UrlRequired";
    public const string TooLong = "Webhooks.Error.UrlTooLong";
    public const string NotAbsolute = "Webhooks.Error.UrlNotAbsolute";
    public const string NotHttps = "Webhooks.Error.UrlNotHttps";
    public const string UserInfo = "Webhooks.Error.UrlUserInfo";
    public const string Fragment = "Webhooks.Error.UrlFragment";
    public const string Unresolved = "Webhooks.Error.UrlUnresolved";
    public const string NotPublic = "Webhooks.Error.UrlNotPublic";

    /// <summary>The URL as it will be stored, or the key of the message saying what is wrong with it.</summary>
    public async Task<(Uri? Url, string? Error)> CheckAsync(string? value, CancellationToken cancellationToken = default)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text)) return (null, Required);
        if (text.Length > Enterprise.WebhookUrlMaxLength) return (null, TooLong);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return (null, NotAbsolute);
        var http = uri.Scheme == Uri.UriSchemeHttp;
        if (uri.Scheme != Uri.UriSchemeHttps && !(http && options.Value.AllowLoopbackHttpForTests)) return (null, NotHttps);
        if (!string.IsNullOrEmpty(uri.UserInfo)) return (null, UserInfo);
        if (!string.IsNullOrEmpty(uri.Fragment) || text.Contains('#', StringComparison.Ordinal)) return (null, Fragment);
        try
        {
            await connector.CheckedAddressesAsync(uri.IdnHost, loopbackOnly: http, cancellationToken);
        }
        catch (WebhookAddressRefusedException ex)
        {
            return (null, ex.Reason switch
            {
                WebhookRefusal.Unresolved => Unresolved,
                WebhookRefusal.NotHttps => NotHttps,
                _ => NotPublic,
            });
        }
        return (uri, null);
    }
}
