using System.Text;
using System.Text.RegularExpressions;

namespace ScorePortal.Components.Layout;

/// <summary>
/// Picks from a stylesheet the rules that can apply to a page using only some of its classes: a rule stays when one
/// of its selectors names no class outside <c>classes</c> (element and universal rules stay: the base the classes
/// build on); grouping rules (<c>@media</c>, <c>@supports</c>, <c>@layer</c>, <c>@container</c>) keep their surviving
/// rules; <c>@keyframes</c> stay when a kept rule names them. A class entry ending in <c>*</c> matches every class
/// starting with the rest (<c>mud-typography*</c>); other entries match exactly.
/// </summary>
public static partial class LightCss
{
    public static string Select(string css, IReadOnlyCollection<string> classes)
    {
        var rules = Parse(css, 0, out _);
        var exact = classes.Where(c => !c.EndsWith('*')).ToHashSet(StringComparer.Ordinal);
        var prefixes = classes.Where(c => c.EndsWith('*')).Select(c => c[..^1]).ToArray();
        bool Allowed(string name) => exact.Contains(name) || prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

        var kept = new StringBuilder();
        var keyframes = new List<Rule>();
        Write(rules, kept, keyframes, Allowed);
        var text = kept.ToString();
        foreach (var frames in keyframes)
        {
            var name = frames.Head.Split(' ', 2, StringSplitOptions.TrimEntries).ElementAtOrDefault(1);
            if (name is { Length: > 0 } && text.Contains(name, StringComparison.Ordinal)) kept.Append(frames.Head).Append('{').Append(frames.Body).Append('}');
        }
        return kept.ToString();
    }

    private static void Write(List<Rule> rules, StringBuilder output, List<Rule> keyframes, Func<string, bool> allowed)
    {
        foreach (var rule in rules)
        {
            if (rule.Children is { } children)
            {
                var inner = new StringBuilder();
                Write(children, inner, keyframes, allowed);
                if (inner.Length > 0) output.Append(rule.Head).Append('{').Append(inner).Append('}');
            }
            else if (rule.Head.StartsWith("@keyframes", StringComparison.OrdinalIgnoreCase)
                || rule.Head.StartsWith("@-webkit-keyframes", StringComparison.OrdinalIgnoreCase))
            {
                keyframes.Add(rule);
            }
            else if (rule.Head.StartsWith('@'))
            {
                // @font-face, @page, @charset …: kept as they are.
                output.Append(rule.Head).Append(rule.Body is null ? ";" : "{" + rule.Body + "}");
            }
            else
            {
                var selectors = SplitSelectors(rule.Head).Where(s => ClassName().Matches(s).All(m => allowed(m.Groups[1].Value))).ToList();
                if (selectors.Count > 0) output.Append(string.Join(',', selectors)).Append('{').Append(rule.Body).Append('}');
            }
        }
    }

    private sealed record Rule(string Head, string? Body, List<Rule>? Children);

    private static readonly string[] GroupingRules = ["@media", "@supports", "@layer", "@container", "@document"];

    /// <summary>Rules from <paramref name="start"/> to the closing brace of the enclosing block (or the end).</summary>
    private static List<Rule> Parse(string css, int start, out int end)
    {
        var rules = new List<Rule>();
        var i = start;
        while (true)
        {
            i = SkipSpaceAndComments(css, i);
            if (i >= css.Length || css[i] == '}')
            {
                end = i < css.Length ? i + 1 : i;
                return rules;
            }
            var open = IndexOutsideQuotes(css, i, '{', ';');
            if (open < 0)
            {
                end = css.Length;
                return rules;
            }
            var head = StripComments(css[i..open]).Trim();
            if (css[open] == ';')
            {
                rules.Add(new Rule(head, null, null));
                i = open + 1;
            }
            else if (GroupingRules.Any(g => head.StartsWith(g, StringComparison.OrdinalIgnoreCase)))
            {
                rules.Add(new Rule(head, null, Parse(css, open + 1, out i)));
            }
            else
            {
                var close = MatchingBrace(css, open);
                rules.Add(new Rule(head, css[(open + 1)..close], null));
                i = close + 1;
            }
        }
    }

    private static int SkipSpaceAndComments(string css, int i)
    {
        while (i < css.Length)
        {
            if (char.IsWhiteSpace(css[i])) i++;
            else if (css.AsSpan(i).StartsWith("/*"))
            {
                var close = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? css.Length : close + 2;
            }
            else break;
        }
        return i;
    }

    private static string StripComments(string text) => Comment().Replace(text, "");

    private static int IndexOutsideQuotes(string css, int i, char a, char b)
    {
        char quote = '\0';
        for (; i < css.Length; i++)
        {
            var c = css[i];
            if (quote != '\0') { if (c == '\\') i++; else if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == a || c == b) return i;
        }
        return -1;
    }

    private static int MatchingBrace(string css, int open)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = open; i < css.Length; i++)
        {
            var c = css[i];
            if (quote != '\0') { if (c == '\\') i++; else if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return css.Length - 1;
    }

    /// <summary>Splits a selector list at its top-level commas (not those inside :is(…), :not(…) or [attr="a,b"]).</summary>
    private static IEnumerable<string> SplitSelectors(string head)
    {
        var depth = 0;
        char quote = '\0';
        var from = 0;
        for (var i = 0; i < head.Length; i++)
        {
            var c = head[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == ',' && depth == 0)
            {
                yield return head[from..i].Trim();
                from = i + 1;
            }
        }
        yield return head[from..].Trim();
    }

    [GeneratedRegex(@"\.(-?[_a-zA-Z][\w-]*)")]
    private static partial Regex ClassName();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
