using ScorePortal.Features.Results;
using ScorePortal.Operations;

namespace ScorePortal.Features.Credentials;

public static class CredentialsExtensions
{
    /// <summary>
    /// Verifiable credentials (docs/credentials.md): Open Badges 3.0 credentials per certificate secured as vc+jwt, the
    /// did:web issuer document, the bitstring status lists and their updates from result events, the public check.
    /// </summary>
    public static WebApplicationBuilder AddCredentials(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.Section)
            .Validate(o => o.StatusListCacheSeconds is >= 1 and <= 3600, "Credentials:StatusListCacheSeconds must be 1-3600.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.IssuerName) && o.IssuerName.Length <= 200, "Credentials:IssuerName must be set (at most 200 characters).")
            .ValidateOnStart();
        builder.Services.AddSingleton<CredentialKeys>();
        builder.Services.AddSingleton<StatusLists>();
        builder.Services.AddSingleton<IssueCredential>();
        builder.Services.AddSingleton<RevokeCredential>();
        builder.Services.AddSingleton<MyCredentials>();
        builder.Services.AddSingleton<VerifyCredential>();
        // Status bits change with the results, in their transaction; the cached lists are dropped after the commit.
        builder.Services.AddSingleton<IResultChangedInTransaction, CredentialStatusChanges>();
        builder.Services.AddSingleton<IResultChangedSubscriber, CredentialStatusCache>();
        builder.Services.AddPortalCommand(RotateCredentialKeyCommand.Command);
        return builder;
    }

    public static WebApplication MapCredentials(this WebApplication app)
    {
        app.MapCredentialEndpoints();
        return app;
    }
}
