using Microsoft.Extensions.Options;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// Review files on disk, outside the web root, each under its generated id and encrypted with the field key bound to
/// that id (a file copied under another id does not open). Who may read a file is decided by the caller
/// (<see cref="ReviewAccess"/>); this class only stores bytes.
/// </summary>
public sealed class ReviewFileStore(IOptions<ReviewOptions> options, IWebHostEnvironment env, FieldProtector protector)
{
    private string Root => Path.Combine(env.ContentRootPath, options.Value.FilesDirectory);

    public async Task SaveAsync(Guid id, byte[] plain, CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var sealedBytes = protector.ProtectBytes(plain, Binding(id));
        var path = PathOf(id);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, sealedBytes, ct);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<byte[]?> ReadAsync(Guid id, CancellationToken ct)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) return null;
        return protector.UnprotectBytes(await File.ReadAllBytesAsync(path, ct), Binding(id));
    }

    /// <summary>Removes a file whose database row was not committed (a refused or failed request).</summary>
    public void Delete(Guid id)
    {
        var path = PathOf(id);
        if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>The stored (encrypted) bytes, for tests that check nothing readable lands on disk.</summary>
    internal string PathOf(Guid id) => Path.Combine(Root, id.ToString("N") + ".bin");

    private static string Binding(Guid id) => "review-file:" + id.ToString("N");
}
