using System.Text.Json;
using ScorePortal.Security;

namespace ScorePortal.Features.Reports;

/// <summary>
/// Seals a report's file and its snapshot of figures under the field key ring, each bound to the report's verification
/// code: a sealed file copied into another row of the register does not open.
/// </summary>
public sealed class ReportVault(FieldProtector protector)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] SealFile(byte[] pdf, string code) => protector.ProtectBytes(pdf, "report-file:" + code);

    public byte[] OpenFile(byte[] sealedFile, string code) => protector.UnprotectBytes(sealedFile, "report-file:" + code);

    public byte[] SealSnapshot(ScoreReportContent content) =>
        protector.ProtectBytes(JsonSerializer.SerializeToUtf8Bytes(content, Json), "report-snapshot:" + content.VerificationCode);

    public ScoreReportContent OpenSnapshot(byte[] sealedSnapshot, string code) =>
        JsonSerializer.Deserialize<ScoreReportContent>(protector.UnprotectBytes(sealedSnapshot, "report-snapshot:" + code), Json)
        ?? throw new InvalidDataException("A report snapshot is empty.");
}
