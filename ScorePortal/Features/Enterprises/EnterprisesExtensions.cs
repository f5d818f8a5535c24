using ScorePortal.Features.Enterprises.Admin;
using ScorePortal.Features.Enterprises.Api;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Features.Enterprises.Figures;
using ScorePortal.Features.Enterprises.Webhooks;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// The enterprise side: enterprises, their keys and people (admin), consent (candidate area), the API, webhooks and
/// department figures. Each part registers itself in its own folder; this file lists the parts.
/// </summary>
public static class EnterprisesExtensions
{
    public static WebApplicationBuilder AddEnterprises(this WebApplicationBuilder builder)
    {
        builder.AddEnterpriseAdmin();
        builder.AddConsents();
        builder.AddEnterpriseApi();
        builder.AddEnterpriseFigures();
        builder.AddWebhooks();
        return builder;
    }

    public static WebApplication MapEnterprises(this WebApplication app)
    {
        app.MapEnterpriseApi();
        app.MapEnterpriseFigures();
        return app;
    }
}
