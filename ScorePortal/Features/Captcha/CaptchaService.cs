using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ScorePortal.Platform.Limits;
using ScorePortal.Security;
using Microsoft.Extensions.Options;

namespace ScorePortal.Features.Captcha;

/// <summary>What a live captcha token holds.</summary>
/// <param name="DrawnInPage">Its picture was drawn into the page that carries it (<see cref="InlineCaptcha"/>): its URL
/// draws nothing (one picture per token).</param>
public sealed record OpenChallenge(Guid Id, DateTimeOffset ExpiresAt, string Answer, bool DrawnInPage = false);

public enum CaptchaCheck
{
    Passed,
    Wrong,
    Expired,
    Missing,
}

/// <summary>
/// Stateless captcha: the token carries its id, expiry and answer, encrypted and authenticated with AES-256-GCM under a
/// key derived from the portal's derivation key (<c>Security:DerivationKey</c>) (shared by every instance, like Data Protection keys), so no
/// database row is written per challenge and a token costs one AES-GCM operation rather than a Data Protection round
/// (with its per-call key derivation).
/// Single use is enforced by the spent tokens of the limits store (<see cref="ILimitsStore.TrySpendAsync"/>), which forget
/// each id once its token has expired anyway.
/// </summary>
public sealed class CaptchaService(KeyDerivation secrets, TimeProvider time, IOptions<CaptchaOptions> options, ILimitsStore store)
{
    // No 0/O, 1/I/L: characters people confuse on a distorted image. CaptchaAudio speaks exactly these.
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private const int IdLength = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int DrawnInPageBit = 0x80;

    private readonly byte[] _key = secrets.DeriveKey("ScorePortal captcha token v2");

    public CaptchaOptions Options => options.Value;

    public (string Token, DateTimeOffset ExpiresAt) Issue()
    {
        var (token, challenge) = IssueChallenge();
        return (token, challenge.ExpiresAt);
    }

    /// <summary>
    /// A fresh token and what it holds. <paramref name="drawnInPage"/>: the page draws its picture itself
    /// (<see cref="InlineCaptcha"/>); the token says so (the id's first bit, sealed with it), so its URL draws no second
    /// picture of the same answer.
    /// </summary>
    public (string Token, OpenChallenge Challenge) IssueChallenge(bool drawnInPage = false)
    {
        var answer = RandomNumberGenerator.GetString(Alphabet, Options.Length);
        var expires = time.GetUtcNow() + Options.Lifetime;
        var answerBytes = Encoding.ASCII.GetBytes(answer);
        var payload = new byte[IdLength + 8 + answerBytes.Length];
        RandomNumberGenerator.Fill(payload.AsSpan(0, IdLength));
        payload[0] = drawnInPage ? (byte)(payload[0] | DrawnInPageBit) : (byte)(payload[0] & ~DrawnInPageBit);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(IdLength, 8), expires.ToUnixTimeMilliseconds());
        answerBytes.CopyTo(payload, IdLength + 8);
        return (Base64Url(Seal(payload)), new OpenChallenge(new Guid(payload.AsSpan(0, IdLength)), expires, answer, drawnInPage));
    }

    /// <summary>The answer inside a token, for drawing its image; null when the token is forged or expired.</summary>
    public string? AnswerFor(string? token) => ChallengeFor(token)?.Answer;

    /// <summary>A live token's id, expiry and answer (for drawing and caching its picture); null when forged or expired.</summary>
    public OpenChallenge? ChallengeFor(string? token) =>
        TryOpen(token, out var id, out var expires, out var answer) && expires > time.GetUtcNow()
            ? new OpenChallenge(id, expires, answer, (id.ToByteArray()[0] & DrawnInPageBit) != 0)
            : null;

    /// <summary>Checks an answer and spends the token, whatever the outcome: a token gets exactly one try.</summary>
    public async ValueTask<CaptchaCheck> VerifyAsync(string? token, string? input)
    {
        if (!TryOpen(token, out var id, out var expires, out var answer)) return CaptchaCheck.Missing;
        if (expires <= time.GetUtcNow()) return CaptchaCheck.Expired;
        if (!await store.TrySpendAsync(SpentKey(id), expires)) return CaptchaCheck.Expired;

        var given = (input ?? "").Trim().ToUpperInvariant();
        if (given.Length == 0) return CaptchaCheck.Wrong;
        if (FixedTimeEquals(given, answer)) return CaptchaCheck.Passed;
        return Options.TestAnswer is { Length: > 0 } test && FixedTimeEquals(given, test.ToUpperInvariant())
            ? CaptchaCheck.Passed
            : CaptchaCheck.Wrong;
    }

    private bool TryOpen(string? token, out Guid id, out DateTimeOffset expires, out string answer)
    {
        id = Guid.Empty;
        expires = default;
        answer = "";
        if (string.IsNullOrEmpty(token) || token.Length > 512) return false;
        try
        {
            if (Open(FromBase64Url(token)) is not { Length: > IdLength + 8 } payload) return false;
            id = new Guid(payload.AsSpan(0, IdLength));
            expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(IdLength, 8)));
            answer = Encoding.ASCII.GetString(payload, IdLength + 8, payload.Length - IdLength - 8);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }
    }

    private byte[] Seal(byte[] payload)
    {
        var sealedBytes = new byte[NonceSize + payload.Length + TagSize];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, NonceSize));
        ThreadAesGcm.For(_key).Encrypt(sealedBytes.AsSpan(0, NonceSize), payload, sealedBytes.AsSpan(NonceSize, payload.Length),
            sealedBytes.AsSpan(NonceSize + payload.Length), Purpose);
        return sealedBytes;
    }

    /// <summary>The payload of a sealed token; null when it was forged, altered or cut.</summary>
    private byte[]? Open(byte[] sealedBytes)
    {
        if (sealedBytes.Length <= NonceSize + TagSize) return null;
        var payload = new byte[sealedBytes.Length - NonceSize - TagSize];
        ThreadAesGcm.For(_key).Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, payload.Length),
            sealedBytes.AsSpan(NonceSize + payload.Length), payload, Purpose);
        return payload;
    }

    private static ReadOnlySpan<byte> Purpose => "ScorePortal.Captcha.v2"u8;

    private static string SpentKey(Guid id) => string.Create(8 + 32, id, static (chars, id) =>
    {
        "captcha:".CopyTo(chars);
        id.TryFormat(chars[8..], out _, "N");
    });

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
    }
}
