using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using ScorePortal.Components.Layout;
using ScorePortal.Localization;
using ScorePortal.Security;

namespace ScorePortal.Components.StaticHtml;

/// <summary>
/// The document around a page written without the Blazor renderer: the same head, header, navigation and footer
/// markup as App.razor and MainLayout.razor (keep them in step), for the release-day lookup pages.
/// </summary>
public static class PortalDocument
{
    public static void Begin(HtmlWriter html, HttpContext context, CachedTexts t, string title)
    {
        html.Raw("<!DOCTYPE html>\n<html").Attr("lang", CultureInfo.CurrentUICulture.Name).Raw("><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\"><base href=\"/\">")
            .Raw("<link rel=\"stylesheet\"").Attr("href", Assets(context).Light.Path).Raw(">")
            .Raw("<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">")
            .Element("title", $"{title} - {t["App.Name"]}").Raw("</head>\n<body>");

        // The page's own address before #main: under <base href="/"> a bare "#main" would lead to the home page.
        html.Raw("<a class=\"skip-link\"").Attr("href", $"{context.Request.Path}{context.Request.QueryString}#main").Raw(" data-enhance-nav=\"false\">")
            .Text(t["Layout.SkipToContent"]).Raw("</a>")
            .Raw("<header class=\"portal-header\" role=\"banner\"><div class=\"portal-header__inner\">")
            .Raw("<a class=\"portal-brand\" href=\"/\"><span class=\"portal-brand__mark\" aria-hidden=\"true\">软</span><span class=\"portal-brand__text\">")
            .Element("span", t["App.Name"], " class=\"portal-brand__name\"").Element("span", t["App.Subtitle"], " class=\"portal-brand__sub\"")
            .Raw("</span></a><nav class=\"portal-nav\"").Attr("aria-label", t["Layout.MainNavigation"]).Raw(">");
        AreaLinks(html, context, t);
        LanguageSwitch(html, context);
        AuthLinks(html, context, t);
        html.Raw("</nav></div></header>\n<main id=\"main\" class=\"portal-main\" tabindex=\"-1\">");
    }

    public static void End(HtmlWriter html, HttpContext context, CachedTexts t)
    {
        html.Raw("</main>\n<footer class=\"portal-footer\" role=\"contentinfo\">")
            .Element("span", t["Layout.Footer"], $" class=\"{MudClasses.Caption}\"")
            .Raw(" ").Element("a", t["ServiceStatus.FooterLink"], " class=\"portal-footer__link\" href=\"/service-status\" data-testid=\"footer-status\"")
            .Raw(" ").Element("a", t["Privacy.FooterLink"], " class=\"portal-footer__link\" href=\"/privacy\" data-testid=\"footer-privacy\"")
            .Raw("</footer>\n<script").Attr("src", Assets(context).CaptchaScript.Path).Raw("></script></body></html>");
    }

    private static PortalAssets Assets(HttpContext context) => context.RequestServices.GetRequiredService<PortalAssets>();

    private static void AreaLinks(HtmlWriter html, HttpContext context, CachedTexts t)
    {
        var user = context.User;
        if (user.IsInRole(Roles.Candidate)) html.Element("a", t["Nav.Me"], " class=\"portal-nav__link\" href=\"/me\"");
        if (user.IsInRole(Roles.Admin)) html.Element("a", t["Nav.Admin"], " class=\"portal-nav__link\" href=\"/admin\"");
        if (user.IsInRole(Roles.Staff)) StaffLink(html, context, t);
        if (user.IsInRole(Roles.Expert)) html.Element("a", t["Nav.Expert"], " class=\"portal-nav__link\" href=\"/expert\"");
        if (user.IsInRole(Roles.Enterprise)) html.Element("a", t["Nav.Enterprise"], " class=\"portal-nav__link\" href=\"/enterprise\" data-testid=\"nav-enterprise\"");
    }

    /// <summary>
    /// The staff link with its count (<see cref="INavigationBadge"/>), as AreaLinks writes it. Only a signed-in staff
    /// account gets here: an anonymous visitor has no roles, so its page asks no badge and touches no database.
    /// </summary>
    private static void StaffLink(HtmlWriter html, HttpContext context, CachedTexts t)
    {
        html.Raw("<a class=\"portal-nav__link\" href=\"/staff\" data-testid=\"nav-staff\">").Text(t["Nav.Staff"]);
        if (context.RequestServices.GetServices<INavigationBadge>().FirstOrDefault(b => b.Role == Roles.Staff) is { } badge)
        {
            var user = context.User;
            html.Deferred(async ct =>
            {
                var count = await badge.CountAsync(user, ct);
                if (count <= 0) return "";
                var label = t.Format("Nav.ReviewBadge", count);
                using var markup = new HtmlWriter();
                markup.Raw("<span class=\"portal-badge\" data-testid=\"nav-staff-badge\"").Attr("title", label).Raw(">")
                    .Text(count.ToString(CultureInfo.CurrentCulture)).Raw("<span class=\"visually-hidden\">").Text(label).Raw("</span></span>");
                return markup.ToString();
            });
        }
        html.Raw("</a>");
    }

    private static void LanguageSwitch(HtmlWriter html, HttpContext context)
    {
        // A ?culture= in the address (the overseas channel's link) would outrank the cookie: it is dropped.
        var query = QueryString.Create(context.Request.Query
            .Where(q => !string.Equals(q.Key, "culture", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v))));
        var returnUrl = Uri.EscapeDataString(context.Request.Path.Value + query);
        if (CultureInfo.CurrentUICulture.IsEnglish())
            html.Raw("<a class=\"portal-nav__link\"").Attr("href", $"/culture/{LocalizationExtensions.DefaultCulture}?returnUrl={returnUrl}")
                .Raw(" lang=\"zh-CN\" hreflang=\"zh-CN\" data-enhance-nav=\"false\" data-testid=\"lang-switch\" aria-label=\"切换到中文\">中文</a>");
        else
            html.Raw("<a class=\"portal-nav__link\"").Attr("href", $"/culture/{LocalizationExtensions.EnglishCulture}?returnUrl={returnUrl}")
                .Raw(" lang=\"en\" hreflang=\"en\" data-enhance-nav=\"false\" data-testid=\"lang-switch\" aria-label=\"Switch to English\">English</a>");
    }

    private static void AuthLinks(HtmlWriter html, HttpContext context, CachedTexts t)
    {
        if (context.User.Identity is { IsAuthenticated: true } identity)
        {
            var token = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken;
            html.Raw("<span class=\"portal-nav__user\"").Attr("title", identity.Name).Raw(">").Text(identity.Name).Raw("</span>")
                .Raw("<a class=\"portal-nav__link\" href=\"/Account/Manage/ChangePassword\" data-testid=\"change-password-link\">")
                .Text(t["Account.ChangePasswordTitle"]).Raw("</a>")
                .Raw("<form action=\"/Account/Logout\" method=\"post\" class=\"portal-nav__form\">")
                .Raw("<input type=\"hidden\" name=\"__RequestVerificationToken\"").Attr("value", token).Raw(">")
                .Raw("<input type=\"hidden\" name=\"returnUrl\" value=\"/\">")
                .Element("button", t["Account.SignOut"], " type=\"submit\" class=\"portal-nav__link portal-nav__button\" data-testid=\"sign-out\"")
                .Raw("</form>");
            return;
        }
        var here = context.Request.Path.Value + context.Request.QueryString;
        var login = here.StartsWith("/Account", StringComparison.OrdinalIgnoreCase) || here == "/"
            ? "/Account/Login"
            : $"/Account/Login?returnUrl={Uri.EscapeDataString(here)}";
        html.Raw("<a class=\"portal-nav__link\"").Attr("href", login).Raw(" data-testid=\"sign-in\">").Text(t["Account.SignIn"]).Raw("</a>")
            .Element("a", t["Account.Register"], " class=\"portal-nav__link\" href=\"/Account/Register\"");
    }
}
