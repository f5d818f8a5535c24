using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScorePortal.Components.Forms;

namespace ScorePortal.Tests.Features.Admin;

/// <summary>What an admin reads for a refusal of a use case, in either language (the pages format it the same way).</summary>
internal static class AdminMessages
{
    private static readonly IStringLocalizer<SharedResource> L = new StringLocalizer<SharedResource>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance));

    public static string Chinese(EditError error) => In("zh-CN", error);

    public static string English(EditError error) => In("en-US", error);

    public static LocalizedString In(string culture, string key)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return L[key];
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    private static string In(string culture, EditError error)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return L[error.Key, error.Args].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
