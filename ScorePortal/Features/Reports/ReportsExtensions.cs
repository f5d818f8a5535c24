using ScorePortal.Features.Results;
using ScorePortal.Operations;

namespace ScorePortal.Features.Reports;

public static class ReportsExtensions
{
    /// <summary>
    /// The score report's document services: font chain, signing certificate, renderer and signature check.
    /// Needs <c>AddPortalFonts()</c> (the main font) and <c>AddSecurityKeys()</c> (the key directory) before it.
    /// </summary>
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopmentOrTesting();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section)
            .Validate(o => development || !string.IsNullOrWhiteSpace(o.SigningCertificatePath),
                "Reports:SigningCertificatePath (a PKCS#12 file with the report-signing certificate and its private key, " +
                "password in Reports:SigningCertificatePassword) must be configured outside Development; reports would otherwise " +
                "be signed by a throw-away certificate no verifier could trust.")
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningCertificatePath) || CanLoad(Path.Combine(contentRoot, o.SigningCertificatePath), o.SigningCertificatePassword),
                "Reports:SigningCertificatePath cannot be opened with Reports:SigningCertificatePassword, or holds no private key.")
            .Validate(o => o.FallbackFontPathsOrDefault.Where(File.Exists).All(FontOptions.IsTrueType),
                "Every file in Reports:FallbackFontPaths must be a TrueType (glyf) font; collections (.ttc) and CFF fonts (.otf) are not supported.")
            .ValidateOnStart();

        builder.Services.AddSingleton<ReportFontChain>();
        builder.Services.AddSingleton<ReportLabels>();
        builder.Services.AddSingleton<ReportSigningCertificate>();
        builder.Services.AddSingleton<ScoreReportRenderer>();
        builder.Services.AddSingleton<ReportSignatureCheck>();
        // The register of issued reports: issue, list, download, revoke, verify.
        builder.Services.AddSingleton<ReportVault>();
        builder.Services.AddSingleton<IssueReport>();
        builder.Services.AddSingleton<MyReports>();
        builder.Services.AddSingleton<RevokeReport>();
        builder.Services.AddSingleton<VerifyReport>();
        // Reports of changed figures stop verifying as valid in the transaction that changes them.
        builder.Services.AddSingleton<IResultChangedInTransaction, SupersedeReports>();
        return builder;
    }

    private static bool CanLoad(string path, string? password)
    {
        try
        {
            using var certificate = ReportSigningCertificate.Load(path, password);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
