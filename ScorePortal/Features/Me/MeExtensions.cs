
namespace ScorePortal.Features.Me;

public static class MeExtensions
{
    /// <summary>The candidate area (/me): the linked record, its scores, and the second verification before downloads.</summary>
    public static WebApplicationBuilder AddMe(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LinkLimitsOptions>().BindConfiguration(LinkLimitsOptions.Section)
            .Validate(o => o.WrongPerAccountPerHour >= 0 && o.WrongPerAddressPerHour >= 0, "Me:LinkLimits cannot be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<LinkAttempts>();
        builder.Services.AddSingleton<LinkCandidateRecord>();
        builder.Services.AddSingleton<ConfirmCandidateLink>();
        builder.Services.AddSingleton<ReleaseCandidateLink>();
        return builder;
    }
}
