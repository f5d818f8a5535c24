using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// Seals a copy's two files under the field key ring, each bound to its row and kind: a sealed file moved into another
/// row (someone else's copy) does not open.
/// </summary>
public sealed class DataCopyVault(FieldProtector protector)
{
    public byte[] Seal(byte[] file, int copyId, DataCopyFormat format) => protector.ProtectBytes(file, Binding(copyId, format));

    public byte[] Open(byte[] sealedFile, int copyId, DataCopyFormat format) => protector.UnprotectBytes(sealedFile, Binding(copyId, format));

    private static string Binding(int copyId, DataCopyFormat format) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"data-copy:{format}:{copyId}");
}

/// <summary>The two files of a copy.</summary>
public enum DataCopyFormat
{
    Json,
    Pdf,
}
