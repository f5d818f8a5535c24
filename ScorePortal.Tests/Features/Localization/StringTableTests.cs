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
        var files = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor") || f.EndsWith(".cs"))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (File: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .ToList();

        // Keys are asked for through every localizer, whatever its name (L, localizer, t, texts …), and handed around as
        // constants and return values ("Lookup.Error.PassportFormat", BatchErrors.*): a literal that starts like a key
        // of the table is a key.
        var localizers = files.SelectMany(f => LocalizerDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.Contains("L", localizers);
        Assert.Contains("localizer", localizers);
        Assert.Contains("t", localizers);
        var names = string.Join('|', localizers.Select(Regex.Escape));
        var asked = new Regex($$"""\b(?:{{names}})(?:\[|\.Format\(|\.GetString\()\s*"([A-Za-z0-9_.]+)"\s*[\]\),]""");
        var families = new Regex($$"""\b(?:{{names}})(?:\[|\.Format\(|\.GetString\()\s*"([A-Za-z0-9_.]+\.)"\s*\+""");
        var prefixes = string.Join('|', zh.Keys.Select(k => k.Split('.')[0]).Distinct().Select(Regex.Escape));
        var literal = new Regex($$"""
            "((?:{{prefixes}})(?:\.[A-Za-z0-9_]+)+)"
            """);

        var used = files.SelectMany(f => asked.Matches(f.Text).Concat(literal.Matches(f.Text)).Select(m => (f.File, Key: m.Groups[1].Value))).ToList();
        var usedFamilies = files.SelectMany(f => families.Matches(f.Text).Select(m => (f.File, Prefix: m.Groups[1].Value))).ToList();

        Assert.NotEmpty(used);
        Assert.Contains(used, u => u.File == "CandidateIdentity.cs" && u.Key == "Lookup.Error.ResidentIdCheckDigit");
        Assert.Contains(used, u => u.File == "LookupHtml.cs");
        Assert.NotEmpty(usedFamilies);
        // A notice template's name (Platform/Notices/NoticeTemplates.cs) is the prefix of its keys: it exists with its subject.
        var missing = used.Where(u => !zh.ContainsKey(u.Key) && !zh.ContainsKey(u.Key + ".Subject")).Select(u => $"{u.File}: {u.Key}")
            .Concat(usedFamilies.Where(u => !zh.Keys.Any(k => k.StartsWith(u.Prefix, StringComparison.Ordinal))).Select(u => $"{u.File}: {u.Prefix}*"))
            .Distinct().ToList();
        Assert.True(missing.Count == 0, "Missing strings:\n" + string.Join('\n', missing));
    }

    [GeneratedRegex("""(?:IStringLocalizer(?:<\w+>)?|CachedTexts)\s+(\w+)""")]
    private static partial Regex LocalizerDeclaration();
}
