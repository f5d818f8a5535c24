namespace ScorePortal.Features.Enterprises.Admin;

public static class EnterpriseAdminExtensions
{
    /// <summary>The admin's use cases for enterprises, their keys and their people (pages: <c>/admin/enterprises</c>).</summary>
    public static WebApplicationBuilder AddEnterpriseAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<RegisterEnterprise>();
        services.AddScoped<UpdateEnterprise>();
        services.AddScoped<UpdateAllowedNetworks>();
        services.AddScoped<SuspendEnterprise>();
        services.AddScoped<IssueApiKey>();
        services.AddScoped<RotateApiKey>();
        services.AddScoped<RevokeApiKey>();
        services.AddScoped<UpdateKeyLimits>();
        services.AddScoped<InviteEnterpriseMember>();
        services.AddScoped<ResendEnterpriseInvite>();
        services.AddScoped<RemoveEnterpriseMember>();
        return builder;
    }
}
