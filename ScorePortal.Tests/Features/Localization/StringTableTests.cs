using System.Text.RegularExpressions;
using System.Xml.Linq;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Localization;

public sealed partial class StringTableTests
{
    private static readonly string Resources = Path.Combine(PlaywrightFixture.RepositoryRoot(), "ScorePortal", "Resources");

    private static Dictionary<string, string> Load(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data")
            .ToDictionary(e => e.Attribute("name")!.Value, e => e.Element("value")?.Value ?? "");

    [Fact]
    public void Chinese_and_English_tables_have_the_same_keys_and_no_empty_text()
    {
        var zh = Load("SharedResource.resx");
        var en = Load("SharedResource.en-US.resx");

        Assert.Empty(zh.Keys.Except(en.Keys));
        Assert.Empty(en.Keys.Except(zh.Keys));
        Assert.DoesNotContain(zh, kv => string.IsNullOrWhiteSpace(kv.Value));
        Assert.DoesNotContain(en, kv => string.IsNullOrWhiteSpace(kv.Value));
    }

    [Fact]
    public void Every_string_the_code_asks_for_exists()
    {
        var zh = Load("SharedResource.resx");
        var source = Path.Combine(PlaywrightFixture.RepositoryRoot(), "ScorePortal");
        var used = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor") || f.EndsWith(".cs")) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        var missing = used.Where(u => !zh.ContainsKey(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "Missing strings:\n" + string.Join('\n', missing));
    }

    [GeneratedRegex("""\bL\["([A-Za-z0-9_.]+)"[\],]""")]
    private static partial Regex LiteralKey();
}
