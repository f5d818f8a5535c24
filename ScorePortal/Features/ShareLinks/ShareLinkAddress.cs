using QRCoder;

namespace ScorePortal.Features.ShareLinks;

/// <summary>The address a verifier opens, and its QR code (made as the score report's: QRCoder, error correction M).</summary>
public static class ShareLinkAddress
{
    public const string PathPrefix = "/s/";

    /// <summary>Built on Portal:PublicBaseUrl when configured (required in Production), else on this request's origin.</summary>
    public static string Of(string token, HttpContext context, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(configuration);
        var origin = configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host}";
        return origin + PathPrefix + token;
    }

    /// <summary>A PNG data URI of the address's QR code (the portal's CSP allows data: images).</summary>
    public static string QrDataUri(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }
}
