using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>Looks up a callback host's addresses (DNS in the portal; tests answer what they need, e.g. a rebinding).</summary>
public interface IWebhookHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

internal sealed class DnsWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>Why a connection to a callback was refused before it was made.</summary>
public enum WebhookRefusal
{
    /// <summary>The host has no address.</summary>
    Unresolved,

    /// <summary>The host resolves to an address that is not public unicast.</summary>
    NotPublic,

    /// <summary>Not HTTPS (plain HTTP only to loopback, and only in tests).</summary>
    NotHttps,
}

/// <summary>A connection the webhook client refused to make; the message is safe to store and show.</summary>
public sealed class WebhookAddressRefusedException(WebhookRefusal reason) : Exception(reason switch
{
    WebhookRefusal.Unresolved => "The host does not resolve.",
    WebhookRefusal.NotPublic => "The host resolves to an address that is not public.",
    _ => "Only HTTPS callbacks are allowed.",
})
{
    public WebhookRefusal Reason { get; } = reason;
}

/// <summary>
/// The only way the webhook client opens a connection (<see cref="SocketsHttpHandler.ConnectCallback"/>): it resolves the
/// host itself, refuses the connection unless every address is allowed (<see cref="WebhookAddresses"/>), and connects the
/// socket to the address it checked. Checking the name at save time alone would not do: the name's owner can answer the
/// next lookup with 127.0.0.1 (DNS rebinding), and the handler's own lookup would be a second, unchecked one.
/// </summary>
public sealed class WebhookConnector(IWebhookHostResolver resolver, IOptions<WebhookOptions> options)
{
    private bool AllowLoopback => options.Value.AllowLoopbackHttpForTests;

    /// <summary>
    /// The addresses of <paramref name="host"/> a notice may go to, or a refusal: the host must resolve, and to allowed
    /// addresses only (one private address among public ones refuses the whole name).
    /// </summary>
    /// <param name="loopbackOnly">Plain HTTP (tests only): every address must be loopback.</param>
    public async Task<IPAddress[]> CheckedAddressesAsync(string host, bool loopbackOnly, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var literal = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(literal, out var ip))
        {
            addresses = [ip];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, cancellationToken);
            }
            catch (SocketException)
            {
                throw new WebhookAddressRefusedException(WebhookRefusal.Unresolved);
            }
        }
        if (addresses.Length == 0) throw new WebhookAddressRefusedException(WebhookRefusal.Unresolved);
        if (!addresses.All(a => WebhookAddresses.IsAllowed(a, AllowLoopback)))
            throw new WebhookAddressRefusedException(WebhookRefusal.NotPublic);
        if (loopbackOnly && !addresses.All(IPAddress.IsLoopback))
            throw new WebhookAddressRefusedException(WebhookRefusal.NotHttps);
        return addresses;
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: connects to a checked address of the request's host.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scheme = context.InitialRequestMessage.RequestUri?.Scheme;
        if (scheme != Uri.UriSchemeHttps && !(AllowLoopback && scheme == Uri.UriSchemeHttp))
            throw new WebhookAddressRefusedException(WebhookRefusal.NotHttps);
        var addresses = await CheckedAddressesAsync(context.DnsEndPoint.Host, loopbackOnly: scheme == Uri.UriSchemeHttp, cancellationToken);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
