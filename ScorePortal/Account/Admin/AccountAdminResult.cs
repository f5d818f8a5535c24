using ScorePortal.Components.Forms;

namespace ScorePortal.Account.Admin;

/// <summary>
/// What an account change came to: refusals (resource keys, by form field), or done; <see cref="AdminGrantId"/> when
/// the admin role was asked for and now waits for a second admin.
/// </summary>
public sealed record AccountAdminResult(IReadOnlyList<EditError> Errors, string? UserId = null, int? AdminGrantId = null)
{
    public bool Succeeded => Errors.Count == 0;

    public string? ErrorKey => Errors.Count == 0 ? null : Errors[0].Key;

    public static AccountAdminResult Refused(string key, string field = "") => new([new EditError(field, key)]);

    public static AccountAdminResult Refused(IReadOnlyList<EditError> errors) => new(errors);
}
