using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Reports;
using ScorePortal.Security;

namespace ScorePortal.Tests.Features.Reports;

public sealed class ReportSigningCertificateTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "report-cert-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private ReportSigningCertificate Create(ReportOptions options) =>
        new(Options.Create(options), Options.Create(new KeyOptions { KeyDirectory = "keys" }), new Environment(_root));

    [Fact]
    public void Development_makes_one_certificate_and_keeps_using_it()
    {
        var first = Create(new ReportOptions()).Certificate;
        var second = Create(new ReportOptions()).Certificate;

        Assert.True(first.HasPrivateKey);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(File.Exists(Path.Combine(_root, "keys", ReportSigningCertificate.DevelopmentFileName)));
    }

    [Fact]
    public void A_configured_pkcs12_file_is_used_and_a_wrong_password_is_named()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "office.pfx");
        File.WriteAllBytes(path, ReportSigningCertificate.CreateSelfSignedPkcs12("CN=Exam office", "secret"));

        var configured = Create(new ReportOptions { SigningCertificatePath = path, SigningCertificatePassword = "secret" }).Certificate;
        var error = Assert.Throws<InvalidOperationException>(() => Create(new ReportOptions { SigningCertificatePath = path, SigningCertificatePassword = "wrong" }));

        Assert.Equal("CN=Exam office", configured.Subject);
        Assert.Contains("Reports:SigningCertificatePassword", error.Message);
        Assert.False(File.Exists(Path.Combine(_root, "keys", ReportSigningCertificate.DevelopmentFileName)));
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "ScorePortal";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
