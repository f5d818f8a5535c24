namespace ScorePortal.Platform.Notices.Sms;

/// <summary>
/// How many messages a text takes. GSM 03.38 text: 160 characters in one, 153 per part when split (extension characters
/// such as [ ] { } count twice); anything else (every Chinese text) is UCS-2: 70 in one, 67 per part, so two carry 134.
/// </summary>
public static class SmsLength
{
    public const int Ucs2Single = 70;
    public const int Ucs2TwoParts = 134;
    public const int GsmSingle = 160;
    public const int GsmTwoParts = 306;

    private const string GsmBasic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string GsmExtension = "^{}\\[~]|€\f";

    /// <summary>True when the text goes as GSM 7-bit.</summary>
    public static bool IsGsm(string text) => text.All(c => GsmBasic.Contains(c) || GsmExtension.Contains(c));

    /// <summary>Length in the units of its encoding: septets for GSM text, UTF-16 units for UCS-2.</summary>
    public static int Units(string text) =>
        IsGsm(text) ? text.Sum(c => GsmExtension.Contains(c) ? 2 : 1) : text.Length;

    /// <summary>Messages the text takes.</summary>
    public static int Parts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gsm = IsGsm(text);
        var units = Units(text);
        var (single, part) = gsm ? (GsmSingle, 153) : (Ucs2Single, 67);
        return units <= single ? 1 : (units + part - 1) / part;
    }
}
