using System.Reflection;
using ScorePortal.Components.Forms;
using ScorePortal.Features.Catalog;

namespace ScorePortal.Tests.Features.Admin;

public sealed class AdminMessagesTests
{
    /// <summary>
    /// The admin use cases return resource keys as constants, which the string-table test (it looks for L["…"] in
    /// the code) cannot see: a key without text would reach the admin as the bare key.
    /// </summary>
    [Fact]
    public void Every_refusal_of_the_catalog_session_and_exam_center_use_cases_reads_as_a_sentence_in_both_languages()
    {
        var keys = typeof(SaveSubject).Assembly.GetTypes()
            .Where(t => t.Namespace is "ScorePortal.Features.Catalog" or "ScorePortal.Features.Sessions" or "ScorePortal.Components.Forms")
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.Contains(".Error.", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.Contains(EditVersion.Stale, keys);
        Assert.Contains(DeleteQualification.InUse, keys);
        foreach (var culture in new[] { "zh-CN", "en-US" })
        {
            var missing = keys.Where(k => AdminMessages.In(culture, k).ResourceNotFound).ToList();
            Assert.True(missing.Count == 0, $"{culture} has no text for: {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void A_version_ignores_how_the_database_spells_a_value_but_not_the_value()
    {
        var at = new DateTimeOffset(2026, 7, 8, 9, 0, 0, TimeSpan.FromHours(8));

        Assert.Equal(EditVersion.Of(45m, at), EditVersion.Of(45.0m, at.ToUniversalTime()));
        Assert.NotEqual(EditVersion.Of(45m, at), EditVersion.Of(45.5m, at));
        Assert.NotEqual(EditVersion.Of("a", null), EditVersion.Of("a", ""));
        Assert.False(EditVersion.IsStale(null, EditVersion.Of(1)));
    }
}
