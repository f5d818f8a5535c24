using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// Base class for bUnit component tests: MudBlazor and localization registered, culture zh-CN
/// (the portal's default language) unless a test calls <see cref="UseCulture"/>.
/// </summary>
public abstract class PortalTestContext : BunitContext
{
    public const string DefaultCulture = "zh-CN";

    private readonly CultureInfo _originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _originalUiCulture = CultureInfo.CurrentUICulture;

    protected PortalTestContext()
    {
        // MudBlazor components call JS on first render (popovers, scroll, resize); in Loose mode those calls
        // return defaults instead of failing, and a test sets up the calls it asserts on.
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        UseCulture(DefaultCulture);
    }

    /// <summary>Switches culture and UI culture for the rest of the test (what the request culture does in the app).</summary>
    protected void UseCulture(string name)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    protected override void Dispose(bool disposing)
    {
        CultureInfo.CurrentCulture = _originalCulture;
        CultureInfo.CurrentUICulture = _originalUiCulture;
        base.Dispose(disposing);
    }
}
