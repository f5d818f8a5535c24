using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ScorePortal.Security;

/// <summary>
/// One <see cref="AesGcm"/> per key and thread, kept for the thread's life: creating the cipher context per value
/// (a lookup decrypts a dozen) showed in the release-day profile. An instance is never shared between threads.
/// </summary>
internal static class ThreadAesGcm
{
    public const int TagSize = 16;

    [ThreadStatic] private static ConditionalWeakTable<byte[], AesGcm>? _ciphers;

    /// <summary>The calling thread's cipher for <paramref name="key"/> (compared by reference: keys are held for the process's life).</summary>
    public static AesGcm For(byte[] key)
    {
        var ciphers = _ciphers ??= [];
        if (!ciphers.TryGetValue(key, out var aes))
        {
            aes = new AesGcm(key, TagSize);
            ciphers.Add(key, aes);
        }
        return aes;
    }
}
