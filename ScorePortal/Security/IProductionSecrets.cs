using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ScorePortal.Security;

/// <summary>
/// The secrets a feature needs in Production, declared for <c>generate-keys</c>. That command runs before a host is
/// built (it is what makes a Production host buildable), so declarations are found without DI:
/// <see cref="All"/> lists every non-abstract implementation in this assembly, made with its public parameterless
/// constructor, in the order of their full type names. A feature adds one small class next to its options, e.g.
/// <code>
/// internal sealed class ReportSecrets : IProductionSecrets
/// {
///     public IEnumerable&lt;string&gt; Generate(JsonObject keys, SecretsDirectory directory) { ... }
/// }
/// </code>
/// <see cref="Generate"/> adds the feature's configuration section to <c>keys.json</c> (in the shape its options bind)
/// and writes any file beside it with <see cref="SecretsDirectory.WriteOwnerOnly"/>. It returns what to tell the
/// operator: names, paths and public fingerprints, never a secret.
/// </summary>
public interface IProductionSecrets
{
    IEnumerable<string> Generate(JsonObject keys, SecretsDirectory directory);

    /// <summary>Every declaration in the portal's assembly, in a stable order.</summary>
    static IReadOnlyList<IProductionSecrets> All() =>
        [.. typeof(IProductionSecrets).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IProductionSecrets).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IProductionSecrets)Activator.CreateInstance(t, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, null, null, null)!)];
}

/// <summary>The owner-only directory <c>generate-keys</c> writes into.</summary>
public sealed class SecretsDirectory(string path)
{
    public string Path { get; } = path;

    /// <summary>32 random bytes, Base64: the portal's symmetric keys and passwords.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>True when <paramref name="fileName"/> already exists here (generate-keys refuses to overwrite keys).</summary>
    public bool Holds(string fileName) => File.Exists(System.IO.Path.Combine(Path, fileName));

    /// <summary>Writes a file readable by the owner only; returns its full path.</summary>
    public string WriteOwnerOnly(string fileName, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        // Created empty with owner-only rights before a byte is written, so no other user can read a moment's copy.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(content);
        return path;
    }
}
