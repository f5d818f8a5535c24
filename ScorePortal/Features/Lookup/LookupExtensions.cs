
namespace ScorePortal.Features.Lookup;

public static class LookupExtensions
{
    public static WebApplicationBuilder AddLookup(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOptions<LookupLimitsOptions>().BindConfiguration(LookupLimitsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<LookupThrottle>();
        builder.Services.AddOptions<WaitingRoomOptions>().BindConfiguration(WaitingRoomOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.TicketLifetime > TimeSpan.Zero && o.AbandonedAfter > o.PollInterval
                    && o.AdmittedFor > o.PollInterval && o.AdmitWindow > TimeSpan.Zero && o.LineHint > TimeSpan.Zero
                    && o.LongestPollInterval >= o.PollInterval,
                "WaitingRoom: every duration must be positive, AbandonedAfter and AdmittedFor longer than PollInterval, LongestPollInterval not shorter.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WaitingRoom>();
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
