namespace ScorePortal.Account.Admin;

public static class AccountAdminExtensions
{
    /// <summary>Accounts in the admin area (<c>/admin/accounts</c>) and the command line's <c>create-account</c>/<c>roles</c>.</summary>
    public static WebApplicationBuilder AddAccountAdmin(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<OpenCircuits>();
        services.AddScoped<CreateStaffAccount>();
        services.AddScoped<ChangeAccountRoles>();
        services.AddScoped<DisableAccount>();
        services.AddScoped<ResetAuthenticator>();
        services.AddScoped<DecideAdminGrant>();
        return builder;
    }
}
