namespace ScorePortal.Platform.Notices;

/// <summary>
/// What to tell a person, without the words: a template and its data. The words come from the resources of the
/// template in the recipient's language, the layout from the channel (<see cref="Notices"/>), so a feature never
/// formats a message itself. Features declare their notices next to themselves as factory methods, e.g.
/// <c>ReviewNotices.StatusChanged(caseNumber, status, changed, message)</c>.
/// </summary>
/// <param name="Template">A name from <see cref="NoticeTemplates"/>, e.g. <c>Mail.LinkCode</c>.</param>
/// <param name="Data">
/// The template's arguments in order. A <see cref="NoticeText"/> is a resource key, looked up in the recipient's
/// language; anything else is formatted in that language (numbers, dates) or used as it is (codes, links).
/// </param>
public sealed record Notice(string Template, IReadOnlyList<object?> Data)
{
    public static Notice Of(string template, params object?[] data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        return new Notice(template, data);
    }
}

/// <summary>A datum of a notice that is itself text to translate: the resource key, read in the recipient's language.</summary>
public sealed record NoticeText(string Key);

/// <summary>The channels a notice can take. Email is the only one today; SMS joins with a phone number on the recipient.</summary>
public enum NoticeChannel
{
    Email,
}

/// <summary>Who gets a notice, where, and in which language.</summary>
/// <param name="Email">The address the notice goes to.</param>
/// <param name="Culture">The language the person used (zh-CN or en-US; anything else reads as zh-CN).</param>
/// <param name="PreferredChannel">How the person wants to be told; a phone number joins the record with SMS.</param>
public sealed record NoticeRecipient(string Email, string Culture, NoticeChannel PreferredChannel = NoticeChannel.Email);
