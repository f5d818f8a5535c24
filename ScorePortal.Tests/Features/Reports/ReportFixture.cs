using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Reports;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Reports;

/// <summary>
/// One portal host (Testing, so its report certificate is generated in the factory's key folder) shared by a report
/// test class: the renderer and the check come from the app's own registrations.
/// </summary>
public sealed class ReportFixture : IDisposable
{
    private readonly PortalFactory _portal = new();

    public ScoreReportRenderer Renderer => _portal.Services.GetRequiredService<ScoreReportRenderer>();

    public ReportSignatureCheck Check => _portal.Services.GetRequiredService<ReportSignatureCheck>();

    public ReportFontChain Fonts => _portal.Services.GetRequiredService<ReportFontChain>();

    public ReportLabels Labels => _portal.Services.GetRequiredService<ReportLabels>();

    public string Directory => _portal.Directory;

    public void Dispose() => _portal.Dispose();

    /// <summary>The demo's Extension B candidate (杨𠮷, S03) as the register would hand it over; not passed = absent from the essay.</summary>
    public static ScoreReportContent Content(string culture = "zh-CN", string name = "杨𠮷", bool passed = true)
    {
        var english = culture == "en-US";
        return new ScoreReportContent(
            culture,
            name,
            "320102********3808",
            english ? "2026 first half (2026H1)" : "2026年上半年（2026H1）",
            english ? "Systems Architect" : "系统架构设计师",
            english ? "Senior" : "高级资格",
            english ? "Jiangsu" : "江苏",
            "2026H1-32-000001",
            [
                new(english ? "Comprehensive knowledge" : "综合知识", 53, 75, 45, ReportSubjectResult.Passed),
                new(english ? "Case study" : "案例分析", 47.5m, 75, 45, ReportSubjectResult.Passed),
                passed
                    ? new(english ? "Essay" : "论文", 46, 75, 45, ReportSubjectResult.Passed)
                    : new(english ? "Essay" : "论文", null, 75, 45, ReportSubjectResult.Absent),
            ],
            passed,
            passed ? "RK20260708000004" : null,
            [new(english ? "Case study" : "案例分析", english ? "2025 second half" : "2025年下半年", 49, 2026)],
            new DateTimeOffset(2026, 11, 29, 8, 50, 12, TimeSpan.Zero),
            "7KQ2-M9XD-4TPA-ZR8C-H3WN",
            "https://scores.example.org/verify/7KQ2-M9XD-4TPA-ZR8C-H3WN");
    }

    /// <summary>Runs a poppler tool and returns its standard output; fails the test when it exits non-zero.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
