using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using Microsoft.Net.Http.Headers;
using MudBlazor.Services;
using ScorePortal.Components.Layout;

namespace ScorePortal.Components;

public static class PortalUiExtensions
{
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<CircuitCounter>();
        builder.Services.AddSingleton<PortalAssets>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitCounter>());
        // Chinese text is written as characters, not as numeric entities (a third of the bytes on the hot pages).
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return builder;
    }

    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapPortalAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Serves <see cref="PortalAssets"/>: the smallest encoding the browser accepts, 304 for a known ETag.</summary>
    private static void MapPortalAssets(this WebApplication app) =>
        app.MapGet(PortalAssets.Prefix + "{file}", (string file, HttpContext context, PortalAssets assets) =>
        {
            if (assets.Find(PortalAssets.Prefix + file) is not { } asset) return Results.NotFound();
            var headers = context.Response.Headers;
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.ETag = asset.ETag;
            headers.Vary = HeaderNames.AcceptEncoding;
            if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag)) return Results.StatusCode(StatusCodes.Status304NotModified);
            var accepted = context.Request.Headers.AcceptEncoding.ToString();
            var (bytes, encoding) = Accepts(accepted, "br") ? (asset.Brotli, "br")
                : Accepts(accepted, "gzip") ? (asset.Gzip, "gzip")
                : (asset.Identity, null);
            if (encoding is not null) headers.ContentEncoding = encoding;
            return Results.Bytes(bytes, asset.ContentType);
        });

    /// <summary>Whether an Accept-Encoding value allows <paramref name="coding"/> (listed, and not with q=0).</summary>
    internal static bool Accepts(string acceptEncoding, string coding) =>
        acceptEncoding.Split(',').Any(entry =>
        {
            var parts = entry.Split(';');
            if (!string.Equals(parts[0].Trim(), coding, StringComparison.OrdinalIgnoreCase)) return false;
            var quality = parts.Skip(1).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase));
            return quality is null || (double.TryParse(quality[2..], System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var q) && q > 0);
        });
}
