using System.Reflection;
using NetArchTest.Rules;

namespace ScorePortal.Tests.Features.Architecture;

/// <summary>
/// The folder rules of docs/architecture.md, checked on the compiled portal (so .razor components count as much as
/// .cs files, and a name in a comment or a string does not): feature areas never depend on each other both ways, and
/// the technical folders name no feature. The allow-list below is the only place a folder is declared technical; a
/// new top-level folder fails <see cref="Every_namespace_is_a_technical_folder_or_a_feature_area"/> until it is
/// placed in one of the two.
/// </summary>
public sealed class DependencyDirectionTests
{
    private static readonly Assembly Portal = typeof(ScorePortal.Data.ScorePortalDbContext).Assembly;

    /// <summary>The platform: used by every feature, naming none (docs/architecture.md, "Folders").</summary>
    internal static readonly string[] TechnicalFolders =
    [
        "ScorePortal.Components",
        "ScorePortal.Data",
        "ScorePortal.Localization",
        "ScorePortal.Model",
        "ScorePortal.Operations",
        "ScorePortal.Platform",
        "ScorePortal.Security",
    ];

    /// <summary>Namespaces outside both lists: the entry point (Program) and the resource marker types.</summary>
    private static readonly string[] Root = ["ScorePortal"];

    private static readonly IReadOnlyList<Type> AllTypes = Types.InAssembly(Portal).GetTypes().ToList();

    /// <summary>Every folder under Features/, and Account (the Identity pages and sign-in, a feature like the others).</summary>
    internal static IReadOnlyList<string> FeatureAreas { get; } =
    [
        .. AllTypes.Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith("ScorePortal.Features.", StringComparison.Ordinal))
            .Select(n => string.Join('.', n.Split('.').Take(3)))
            .Append("ScorePortal.Account")
            .Distinct()
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void The_portal_has_feature_areas_to_check()
    {
        // A guard for the two rules below: an empty list would make them pass vacuously.
        Assert.Contains("ScorePortal.Features.Lookup", FeatureAreas);
        Assert.Contains("ScorePortal.Features.Results", FeatureAreas);
        Assert.True(FeatureAreas.Count >= 15, string.Join(", ", FeatureAreas));
    }

    [Fact]
    public void No_two_feature_areas_depend_on_each_other_both_ways()
    {
        var edges = FeatureEdges();
        var twoWay = edges.Keys
            .Where(e => string.CompareOrdinal(e.From, e.To) < 0 && edges.ContainsKey((e.To, e.From)))
            .Select(e => $"{Short(e.From)} <-> {Short(e.To)}: {string.Join(", ", edges[e].Take(3))} / {string.Join(", ", edges[(e.To, e.From)].Take(3))}")
            .ToList();

        Assert.True(twoWay.Count == 0, "Feature areas that depend on each other both ways (move the shared part to Features/Results, " +
            "Model/, Components/ or Platform/, or raise an event; docs/architecture.md):\n" + string.Join('\n', twoWay));
    }

    [Fact]
    public void Technical_folders_name_no_feature()
    {
        var failures = new List<string>();
        foreach (var folder in TechnicalFolders)
        {
            // The one exception: the DbContext lists every entity set, features' own entities (reviews, alerts, reports)
            // included; it only names them, and the model is built from their IEntityTypeConfiguration classes.
            var result = Types.InAssembly(Portal).That().ResideInNamespace(folder).And().DoNotHaveName(nameof(ScorePortal.Data.ScorePortalDbContext))
                .ShouldNot().HaveDependencyOnAny([.. FeatureAreas]).GetResult();
            if (!result.IsSuccessful) failures.AddRange(result.FailingTypeNames.Select(t => $"{Short(folder)}: {t}"));
        }

        Assert.True(failures.Count == 0, "Technical folders that name a feature (give the feature an interface to implement, " +
            "docs/architecture.md \"Seams\"):\n" + string.Join('\n', failures.Distinct()));
    }

    [Fact]
    public void Every_namespace_is_a_technical_folder_or_a_feature_area()
    {
        var unplaced = AllTypes.Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith("ScorePortal", StringComparison.Ordinal) && !Root.Contains(n))
            .Where(n => !TechnicalFolders.Any(f => Within(n, f)) && !FeatureAreas.Any(f => Within(n, f)))
            .Distinct()
            .ToList();

        Assert.True(unplaced.Count == 0, "Namespaces in neither list (declare the folder technical or make it a feature): " + string.Join(", ", unplaced));
    }

    /// <summary>Which feature area uses which, with a few of the types behind each arrow.</summary>
    private static Dictionary<(string From, string To), List<string>> FeatureEdges()
    {
        var edges = new Dictionary<(string, string), List<string>>();
        foreach (var from in FeatureAreas)
        {
            foreach (var to in FeatureAreas.Where(a => a != from))
            {
                var types = Types.InAssembly(Portal).That().ResideInNamespace(from).And().HaveDependencyOn(to).GetTypes()
                    .Select(t => t.Name).Distinct().ToList();
                if (types.Count > 0) edges[(from, to)] = types;
            }
        }
        return edges;
    }

    private static bool Within(string ns, string folder) =>
        ns == folder || ns.StartsWith(folder + ".", StringComparison.Ordinal);

    private static string Short(string ns) => ns.Replace("ScorePortal.Features.", "", StringComparison.Ordinal).Replace("ScorePortal.", "", StringComparison.Ordinal);
}
