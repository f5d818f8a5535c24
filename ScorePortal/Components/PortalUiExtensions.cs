using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
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
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitCounter>());
        // Chinese text is written as characters, not as numeric entities (a third of the bytes on the hot pages).
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return builder;
    }

    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapThemeStylesheet();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
