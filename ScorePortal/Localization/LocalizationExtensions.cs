using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace ScorePortal.Localization;

public static class LocalizationExtensions
{
    public const string DefaultCulture = "zh-CN";
    public const string EnglishCulture = "en-US";
    public static readonly string[] SupportedCultures = [DefaultCulture, EnglishCulture];

    public static WebApplicationBuilder AddPortalLocalization(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.AddSingleton<CachedTexts>();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(DefaultCulture)
             .AddSupportedCultures(SupportedCultures)
             .AddSupportedUICultures(SupportedCultures);
            // zh-CN is the default for everyone; a visitor switches with the cookie (or ?culture= for links
            // such as the overseas channel). The browser's Accept-Language is deliberately not consulted.
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider(),
            ];
        });
        return builder;
    }

    public static WebApplication UsePortalLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        return app;
    }

    public static WebApplication MapPortalLocalization(this WebApplication app)
    {
        // A plain link works on static and interactive pages alike and needs no script.
        app.MapGet("/culture/{culture}", (string culture, string? returnUrl, HttpContext context) =>
        {
            var chosen = SupportedCultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase))
                         ?? DefaultCulture;
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions
                {
                    Expires = DateTimeOffset.UtcNow.AddYears(1),
                    IsEssential = true,
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                });
            return TypedResults.LocalRedirect(SafeLocalUrl(returnUrl));
        }).AllowAnonymous();
        return app;
    }

    /// <summary>Only local paths are followed, so the switch cannot be used as an open redirect.</summary>
    public static string SafeLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";

    public static bool IsEnglish(this CultureInfo culture) => culture.TwoLetterISOLanguageName == "en";
}
