using System.Text.Json;
using ScorePortal.Model;

namespace ScorePortal.Features.Demo;

/// <summary>The reference catalog embedded in the assembly (copies of the shared data files), turned into entities.</summary>
internal static class DemoCatalog
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public sealed record Name(string Zh, string En);
    public sealed record Sitting(string Code, string Zh, string En);
    public sealed record SubjectDto(string Code, string Zh, string En, decimal Max, decimal Pass);
    public sealed record QualificationDto(string Code, string Level, string Zh, string En, List<SubjectDto> Subjects);
    public sealed record QualificationsFile(Dictionary<string, Name> Levels, List<Sitting> Sittings, List<QualificationDto> Qualifications);
    public sealed record ProvinceDto(string Code, string Zh, string En);
    public sealed record ProvincesFile(List<ProvinceDto> Provinces);

    public static QualificationsFile LoadQualifications() => Load<QualificationsFile>("qualifications.json");

    public static ProvincesFile LoadProvinces() => Load<ProvincesFile>("provinces.json");

    private static T Load<T>(string fileName)
    {
        var assembly = typeof(DemoCatalog).Assembly;
        var resource = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Embedded resource {fileName} is missing (Features/Demo/Data).");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        return JsonSerializer.Deserialize<T>(stream, Json)
            ?? throw new InvalidOperationException($"Embedded resource {fileName} is empty.");
    }

    public static List<QualificationLevel> Levels(QualificationsFile file) =>
        file.Levels.Select((l, i) => new QualificationLevel { Code = l.Key, NameZh = l.Value.Zh, NameEn = l.Value.En, SortOrder = i + 1 })
            .ToList();

    /// <summary>Qualifications with their subjects; <see cref="Qualification.LevelId"/> is set from the saved levels.</summary>
    public static List<Qualification> Qualifications(QualificationsFile file, IReadOnlyDictionary<string, QualificationLevel> levels)
    {
        var result = new List<Qualification>();
        foreach (var q in file.Qualifications)
        {
            var qualification = new Qualification
            {
                Code = q.Code,
                LevelId = levels[q.Level].Id,
                NameZh = q.Zh,
                NameEn = q.En,
                // The brief: every subject pass stays valid for two consecutive exam years, junior level included.
                ScoreValidityYears = 2,
                IsActive = true,
            };
            result.Add(qualification);
        }
        return result;
    }

    public static List<Subject> Subjects(QualificationsFile file, IReadOnlyDictionary<string, Qualification> qualifications) =>
        file.Qualifications.SelectMany(q => q.Subjects.Select((s, i) => new Subject
        {
            QualificationId = qualifications[q.Code].Id,
            Code = s.Code,
            NameZh = s.Zh,
            NameEn = s.En,
            FullMarks = s.Max,
            PassLine = s.Pass,
            SortOrder = i + 1,
        })).ToList();

    // Capital (or a central district for municipalities), telephone area code and a slug for the demo contact data.
    private static readonly Dictionary<string, (string Place, string AreaCode, string Slug)> Contacts = new()
    {
        ["11"] = ("海淀区", "010", "beijing"), ["12"] = ("河西区", "022", "tianjin"), ["13"] = ("石家庄市", "0311", "hebei"),
        ["14"] = ("太原市", "0351", "shanxi"), ["15"] = ("呼和浩特市", "0471", "nmg"), ["21"] = ("沈阳市", "024", "liaoning"),
        ["22"] = ("长春市", "0431", "jilin"), ["23"] = ("哈尔滨市", "0451", "hlj"), ["31"] = ("徐汇区", "021", "shanghai"),
        ["32"] = ("南京市", "025", "jiangsu"), ["33"] = ("杭州市", "0571", "zhejiang"), ["34"] = ("合肥市", "0551", "anhui"),
        ["35"] = ("福州市", "0591", "fujian"), ["36"] = ("南昌市", "0791", "jiangxi"), ["37"] = ("济南市", "0531", "shandong"),
        ["41"] = ("郑州市", "0371", "henan"), ["42"] = ("武汉市", "027", "hubei"), ["43"] = ("长沙市", "0731", "hunan"),
        ["44"] = ("广州市", "020", "guangdong"), ["45"] = ("南宁市", "0771", "guangxi"), ["46"] = ("海口市", "0898", "hainan"),
        ["50"] = ("渝中区", "023", "chongqing"), ["51"] = ("成都市", "028", "sichuan"), ["52"] = ("贵阳市", "0851", "guizhou"),
        ["53"] = ("昆明市", "0871", "yunnan"), ["54"] = ("拉萨市", "0891", "xizang"), ["61"] = ("西安市", "029", "shaanxi"),
        ["62"] = ("兰州市", "0931", "gansu"), ["63"] = ("西宁市", "0971", "qinghai"), ["64"] = ("银川市", "0951", "ningxia"),
        ["65"] = ("乌鲁木齐市", "0991", "xinjiang"), ["71"] = ("台北市", "+886-2", "taiwan"), ["81"] = ("湾仔区", "+852", "hongkong"),
        ["82"] = ("花地玛堂区", "+853", "macao"),
    };

    private static readonly string[] Roads = ["人民路", "建设路", "解放路", "中山路", "文化路", "和平路", "长江路", "新华路", "友谊路", "学府路"];

    /// <summary>All provinces with plausible, generated exam-center contacts (reserved .example domains).</summary>
    public static List<Province> Provinces(ProvincesFile file)
    {
        var result = new List<Province>();
        foreach (var p in file.Provinces)
        {
            // Seeded by the code so contacts do not change with the candidate seed.
            var rng = new Random(int.Parse(p.Code, System.Globalization.CultureInfo.InvariantCulture));
            var (place, area, slug) = Contacts.TryGetValue(p.Code, out var c) ? c : ("", "010", "p" + p.Code);
            var number = p.Code switch
            {
                "81" => $"{rng.Next(2000, 2999)} {rng.Next(1000, 9999)}",
                "82" => $"28{rng.Next(100000, 999999)}",
                _ => $"{rng.Next(2, 9)}{rng.Next(1000000, 9999999)}",
            };
            result.Add(new Province
            {
                Code = p.Code,
                NameZh = p.Zh,
                NameEn = p.En,
                ExamCenterNameZh = $"{p.Zh}人事考试中心",
                ExamCenterNameEn = $"{p.En} Personnel Examination Center",
                ContactPhone = $"{area}-{number}",
                ContactEmail = $"ruankao@{slug}.rkexam.example",
                ContactAddress = $"{p.Zh}{place}{Roads[rng.Next(Roads.Length)]}{rng.Next(1, 300)}号",
                Website = $"https://{slug}.rkexam.example",
            });
        }
        return result;
    }
}
