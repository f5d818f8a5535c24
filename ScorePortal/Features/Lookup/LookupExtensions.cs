namespace ScorePortal.Features.Lookup;

public static class LookupExtensions
{
    public static WebApplicationBuilder AddLookup(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ILookupGuard, PortalLookupGuard>();
        builder.Services.AddScoped<LookupHandler>();
        builder.Services.AddScoped<TicketLookupHandler>();
        builder.Services.AddScoped<OverseasLookupHandler>();
        builder.Services.AddSingleton<LookupEndpoints.PageServices>();
        return builder;
    }
}
