using System.Security.Authentication;

namespace ScorePortal.Operations;

/// <summary>
/// Response headers every page and file carries. The Content-Security-Policy allows scripts only from the portal
/// itself (no inline script anywhere: page behaviour lives in wwwroot/js); inline styles stay allowed because
/// MudBlazor writes its theme as a style element.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// <c>HttpContext.Items</c> key of a page's own Content-Security-Policy (a string), for the one page that needs a
    /// script nonce (the API reference, <c>Features/Enterprises/Api/ApiReference</c>): set it before the response starts
    /// and that response carries it instead of <see cref="ContentSecurityPolicy"/>. Every other response keeps the
    /// portal's policy.
    /// </summary>
    public const string OwnPolicyItem = "SecurityHeaders.OwnContentSecurityPolicy";

    /// <summary>
    /// <c>HttpContext.Items</c> key of a response's own Referrer-Policy (a string), set before the response starts: a page
    /// whose address is a secret (a share link) sends <c>no-referrer</c> so that no link followed from it carries it away.
    /// </summary>
    public const string OwnReferrerPolicyItem = "SecurityHeaders.OwnReferrerPolicy";

    public static WebApplicationBuilder AddHardenedEdges(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureHttpsDefaults(https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopmentOrTesting() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        return builder;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = context.Items[OwnReferrerPolicyItem] as string ?? "strict-origin-when-cross-origin";
                headers.XFrameOptions = "DENY";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers.ContentSecurityPolicy = context.Items[OwnPolicyItem] as string ?? ContentSecurityPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
