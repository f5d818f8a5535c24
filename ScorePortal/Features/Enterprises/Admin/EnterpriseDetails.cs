using System.Net.Mail;
using ScorePortal.Components.Forms;

namespace ScorePortal.Features.Enterprises.Admin;

/// <summary>
/// The details an admin types for an enterprise, checked the same way on registration and on every edit. Field names
/// are the <see cref="Enterprise"/> properties, so the pages put each message under its input.
/// </summary>
public sealed record EnterpriseDetails(string? Name, string? CreditCode, string? ContactName, string? ContactEmail, string? ContactPhone,
    string? Purpose)
{
    public const string CreditCodeFormat = "EnterpriseAdmin.Error.CreditCodeFormat";
    public const string CreditCodeCheck = "EnterpriseAdmin.Error.CreditCodeCheck";
    public const string CreditCodeTaken = "EnterpriseAdmin.Error.CreditCodeTaken";
    public const string EmailFormat = "EnterpriseAdmin.Error.EmailFormat";
    public const string PhoneFormat = "EnterpriseAdmin.Error.PhoneFormat";

    // The contact columns are encrypted (their stored length is the ciphertext's): these bound what is typed.
    public const int ContactNameMaxLength = 100;
    public const int ContactEmailMaxLength = 256;
    public const int ContactPhoneMaxLength = 40;

    /// <summary>The details trimmed and normalized; refusals go to <paramref name="check"/>.</summary>
    public EnterpriseDetails Validate(EditValidator check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var name = check.Text<Enterprise>(nameof(Enterprise.Name), Name);
        var code = UnifiedCreditCode.Normalize(CreditCode);
        if (code is null) check.Add(nameof(Enterprise.CreditCode), EditValidator.Required);
        else if (code.Length != UnifiedCreditCode.Length || !code.All(c => UnifiedCreditCode.Alphabet.Contains(c, StringComparison.Ordinal))
                 || code.AsSpan(2, 6).ContainsAnyExceptInRange('0', '9'))
            check.Add(nameof(Enterprise.CreditCode), CreditCodeFormat);
        else if (!UnifiedCreditCode.IsValid(code)) check.Add(nameof(Enterprise.CreditCode), CreditCodeCheck);

        var contact = Bounded(check, nameof(Enterprise.ContactName), ContactName, ContactNameMaxLength, required: true);
        var email = Bounded(check, nameof(Enterprise.ContactEmail), ContactEmail, ContactEmailMaxLength, required: true);
        if (email is not null && !IsEmail(email)) check.Add(nameof(Enterprise.ContactEmail), EmailFormat);
        var phone = Bounded(check, nameof(Enterprise.ContactPhone), ContactPhone, ContactPhoneMaxLength, required: false);
        if (phone is not null && !phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')'))
            check.Add(nameof(Enterprise.ContactPhone), PhoneFormat);
        var purpose = check.Text<Enterprise>(nameof(Enterprise.Purpose), Purpose);
        return new EnterpriseDetails(name, code, contact, email, phone, purpose);
    }

    /// <summary>Writes validated details onto <paramref name="enterprise"/>.</summary>
    public void ApplyTo(Enterprise enterprise)
    {
        ArgumentNullException.ThrowIfNull(enterprise);
        enterprise.Name = Name!;
        enterprise.CreditCode = CreditCode!;
        enterprise.ContactName = ContactName!;
        enterprise.ContactEmail = ContactEmail!;
        enterprise.ContactPhone = ContactPhone;
        enterprise.Purpose = Purpose!;
    }

    /// <summary>The details of a stored enterprise, and the version an edit form carries (<see cref="EditVersion"/>).</summary>
    public static EnterpriseDetails Of(Enterprise e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Name, e.CreditCode, e.ContactName, e.ContactEmail, e.ContactPhone, e.Purpose);
    }

    public static string VersionOf(Enterprise e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return EditVersion.Of(e.Name, e.CreditCode, e.ContactName, e.ContactEmail, e.ContactPhone, e.Purpose);
    }

    private static string? Bounded(EditValidator check, string field, string? value, int max, bool required)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required) check.Add(field, EditValidator.Required);
            return null;
        }
        if (text.Length > max) check.Add(field, EditValidator.TooLong, max);
        return text;
    }

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.StartsWith('.') && !address.Host.EndsWith('.');
}
