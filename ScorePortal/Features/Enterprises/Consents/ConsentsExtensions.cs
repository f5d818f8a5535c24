namespace ScorePortal.Features.Enterprises.Consents;

public static class ConsentsExtensions
{
    /// <summary>
    /// The candidate's consents to enterprises (<c>/me/consents</c>): grant, list, revoke, and who looked at their
    /// results. The pages are found by the router; this registers their use cases.
    /// </summary>
    public static WebApplicationBuilder AddConsents(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsentOptions>().BindConfiguration(ConsentOptions.Section)
            .Validate(o => o.GrantsPerAccountPerHour >= 0, "Enterprises:Consents:GrantsPerAccountPerHour cannot be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ConsentChoices>();
        builder.Services.AddSingleton<ConsentDrafts>();
        builder.Services.AddSingleton<GrantConsent>();
        builder.Services.AddSingleton<RevokeConsent>();
        builder.Services.AddSingleton<MyConsents>();
        builder.Services.AddSingleton<MyApiAccess>();
        return builder;
    }
}
