using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Components.Forms;

/// <summary>One refusal of an admin edit: the form field it belongs to, a resource key and its format arguments.</summary>
public sealed record EditError(string Field, string Key, params object[] Args);

/// <summary>
/// What an admin save or delete came to. Errors carry resource keys, so the pages, the tests and any command line
/// agree on them; <see cref="NeedsConfirmation"/> asks the admin to repeat the action with an explicit confirmation.
/// </summary>
public sealed record EditResult(IReadOnlyList<EditError> Errors, int? Id = null, bool NeedsConfirmation = false)
{
    public bool Succeeded => Errors.Count == 0;

    public IEnumerable<string> Keys => Errors.Select(e => e.Key);

    public static EditResult Saved(int id) => new([], id);

    public static EditResult Refused(IReadOnlyList<EditError> errors) => new(errors);

    public static EditResult Refused(string field, string key, params object[] args) => new([new EditError(field, key, args)]);
}

/// <summary>The checks every admin form shares; lengths come from the EF configuration, so the two cannot drift apart.</summary>
public sealed class EditValidator(DbContext db)
{
    public const string Required = "Admin.Error.Required";
    public const string TooLong = "Admin.Error.TooLong";
    public const string CodeFormat = "Admin.Error.CodeFormat";

    public List<EditError> Errors { get; } = [];

    public void Add(string field, string key, params object[] args) => Errors.Add(new EditError(field, key, args));

    public int MaxLength<TEntity>(string property) =>
        db.Model.FindEntityType(typeof(TEntity))?.FindProperty(property)?.GetMaxLength()
        ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} has no configured length.");

    /// <summary>Trimmed text, checked for presence (when required) and the column's length; null when absent.</summary>
    public string? Text<TEntity>(string property, string? value, bool required = true)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required) Add(property, Required);
            return null;
        }
        var max = MaxLength<TEntity>(property);
        if (text.Length > max) Add(property, TooLong, max);
        return text;
    }

    /// <summary>Catalog codes are ASCII (the columns are not Unicode): letters, digits, '-' and '_'.</summary>
    public string? Code<TEntity>(string property, string? value)
    {
        var code = Text<TEntity>(property, value);
        if (code is not null && !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) Add(property, CodeFormat);
        return code;
    }

    public static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
