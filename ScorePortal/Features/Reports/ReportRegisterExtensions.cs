namespace ScorePortal.Features.Reports;

public static class ReportRegisterExtensions
{
    /// <summary>The register of issued reports: issue, list, download, revoke, verify.</summary>
    public static WebApplicationBuilder AddReportRegister(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportVault>();
        builder.Services.AddSingleton<IssueReport>();
        builder.Services.AddSingleton<MyReports>();
        builder.Services.AddSingleton<RevokeReport>();
        builder.Services.AddSingleton<VerifyReport>();
        return builder;
    }
}
