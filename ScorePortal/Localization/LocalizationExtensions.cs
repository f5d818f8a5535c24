using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Routing;

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

    /// <summary>
    /// Only local paths are followed, so no return URL can be used as an open redirect. The rule is the framework's own
    /// (<see cref="IUrlHelper.IsLocalUrl"/>, which <c>LocalRedirect</c> enforces too): a path that starts with one
    /// <c>/</c>, not <c>//</c> or <c>/\</c>. On top of it no control character anywhere: browsers drop tabs and line
    /// breaks from a URL, so <c>/%09/evil.example</c> would reach them as <c>//evil.example</c>, and CR/LF must never
    /// reach a Location header.
    /// </summary>
    public static string SafeLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && !url.Any(char.IsControl) && FrameworkUrlRules.IsLocalUrl(url) ? url : "/";

    /// <summary>MVC's URL helper, used for nothing but its local-URL rule (it reads no request state for that).</summary>
    private static readonly UrlHelper FrameworkUrlRules = new(new ActionContext(new DefaultHttpContext(), new RouteData(), new ActionDescriptor()));

    public static bool IsEnglish(this CultureInfo culture) => culture.TwoLetterISOLanguageName == "en";
}
