
namespace ScorePortal.Features.Lookup;

public static class LookupExtensions
{
    public static WebApplicationBuilder AddLookup(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOptions<LookupLimitsOptions>().BindConfiguration(LookupLimitsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<LookupThrottle>();
        builder.Services.AddSingleton<ILookupGuard, PortalLookupGuard>();
        builder.Services.AddSingleton<LookupFlow>();
        builder.Services.AddSingleton<LookupDecoy>();
        builder.Services.AddSingleton<LookupById>();
        builder.Services.AddSingleton<LookupByTicket>();
        builder.Services.AddSingleton<LookupByPassport>();
        builder.Services.AddSingleton<LookupEndpoints.PageServices>();
        return builder;
    }
}
