namespace ScorePortal.Features.Lookup;

public static class LookupExtensions
{
    public static WebApplicationBuilder AddLookup(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ILookupGuard, PortalLookupGuard>();
        builder.Services.AddSingleton<LookupHandler>();
        builder.Services.AddSingleton<TicketLookupHandler>();
        builder.Services.AddSingleton<OverseasLookupHandler>();
        builder.Services.AddSingleton<LookupEndpoints.PageServices>();
        builder.Services.AddSingleton<LookupCatalog>();
        builder.Services.AddSingleton<LookupQuery>();
        return builder;
    }
}
