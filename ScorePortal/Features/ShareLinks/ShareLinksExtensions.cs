using ScorePortal.Platform.Retention;

namespace ScorePortal.Features.ShareLinks;

public static class ShareLinksExtensions
{
    /// <summary>
    /// Share links (docs/share-links.md): the holder's page <c>/me/share-links</c>, the anonymous page <c>/s/{token}</c>
    /// (both Razor pages, found with the other components), their use cases and their retention rule.
    /// </summary>
    public static WebApplicationBuilder AddShareLinks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShareableCertificates>();
        builder.Services.AddSingleton<CreateShareLink>();
        builder.Services.AddSingleton<ChangeShareLink>();
        builder.Services.AddSingleton<MyShareLinks>();
        builder.Services.AddSingleton<OpenShareLink>();
        builder.Services.AddRetentionRule<ShareLinkRetention>();
        return builder;
    }
}
