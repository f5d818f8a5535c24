using ScorePortal.Operations;

namespace ScorePortal.Features.Audit;

public static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService<AuditWriter>();
        builder.Services.AddPortalCommand(VerifyAuditCommand.Command);
        return builder;
    }
}
