


namespace ScorePortal.Features.Demo;

/// <summary>Name pools for demo candidates, weighted roughly like the real frequency of Chinese surnames.</summary>
internal static class DemoNames
{
    // Surname and its weight (per cent of the population, rounded).
    private static readonly (string Surname, double Weight)[] Surnames =
    [
        ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2), ("赵", 2.0), ("吴", 2.0),
        ("周", 1.9), ("徐", 1.5), ("孙", 1.4), ("马", 1.3), ("朱", 1.3), ("胡", 1.2), ("郭", 1.2), ("何", 1.1), ("高", 1.1),
        ("林", 1.1), ("罗", 0.9), ("郑", 0.9), ("梁", 0.9), ("谢", 0.8), ("宋", 0.8), ("唐", 0.7), ("许", 0.7), ("韩", 0.7),
        ("冯", 0.7), ("邓", 0.7), ("曹", 0.6), ("彭", 0.6), ("曾", 0.6), ("肖", 0.6), ("田", 0.5), ("董", 0.5), ("袁", 0.5),
        ("潘", 0.5), ("于", 0.5), ("蒋", 0.5), ("蔡", 0.5), ("余", 0.5), ("杜", 0.5), ("叶", 0.5), ("程", 0.4), ("苏", 0.4),
        ("魏", 0.4), ("吕", 0.4), ("丁", 0.4), ("任", 0.4), ("沈", 0.4), ("姚", 0.4), ("卢", 0.4), ("姜", 0.4), ("崔", 0.3),
        ("钟", 0.3), ("谭", 0.3), ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.3),
        ("夏", 0.3), ("韦", 0.3), ("付", 0.3), ("方", 0.3), ("白", 0.3), ("邹", 0.3), ("孟", 0.3), ("熊", 0.3), ("秦", 0.3),
        ("邱", 0.3), ("江", 0.3), ("尹", 0.3), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2), ("龙", 0.2),
        ("史", 0.2), ("陶", 0.2), ("黎", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2), ("龚", 0.2), ("邵", 0.2),
        ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("覃", 0.2), ("武", 0.2), ("戴", 0.2), ("莫", 0.2), ("孔", 0.2), ("向", 0.2),
        ("汤", 0.2),
        // Two-character compound surnames are rare but must survive every code path.
        ("欧阳", 0.12), ("司马", 0.04), ("诸葛", 0.04), ("上官", 0.04), ("东方", 0.03), ("皇甫", 0.03), ("令狐", 0.02), ("慕容", 0.02),
    ];

    private static readonly double SurnameTotal = Surnames.Sum(s => s.Weight);

    private const string MaleChars = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰亮成志博晨轩昊睿泽毅彬";
    private const string FemaleChars = "芳娜敏静丽艳娟霞秀玲燕婷雪慧颖琳倩晶欣怡佳梅悦萍红玉兰琪璐蕾妍涵萱雨诗梦瑶";
    private const string NeutralChars = "文晓海春新嘉一若安子天云清家小思雅永立卫振";

    /// <summary>CJK Extension A (U+3400–U+4DBF): one UTF-16 unit each, missing from many fonts.</summary>
    public static readonly string[] ExtensionA = ["\u36C3", "\u4DAE", "\u3447", "\u3918"]; // 㛃 䶮 㑇 㤘

    /// <summary>CJK Extension B (U+20000…): surrogate pairs, two UTF-16 units per character.</summary>
    public static readonly string[] ExtensionB = ["\U00020BB7", "\U0002A6A5", "\U000233B4", "\U0002000B"]; // 𠮷 𪚥 𣎴 𠀋

    /// <summary>Uyghur, Kazakh and Tibetan names written with the middle dot U+00B7, and the province they usually come from.</summary>
    public static readonly (string Name, bool Female, string Province)[] MiddleDotNames =
    [
        ("买买提·艾力", false, "65"), ("阿依古丽·吐尔逊", true, "65"), ("艾尔肯·买买提", false, "65"), ("古丽娜尔·阿不都", true, "65"),
        ("热依拉·艾买提", true, "65"), ("阿布都热合曼·吐尔洪", false, "65"), ("迪丽娜尔·艾山", true, "65"),
        ("努尔艾力·库尔班", false, "65"), ("帕尔哈提·肉孜", false, "65"), ("努尔兰·别克", false, "65"),
        ("扎西·多吉", false, "54"), ("次仁·卓玛", true, "54"), ("格桑·拉姆", true, "63"), ("丹增·尼玛", false, "54"),
        ("索朗·次仁", false, "51"), ("尼玛·顿珠", false, "63"),
    ];

    private static readonly string[] ForeignSurnames =
        ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "GARCIA", "MARTIN", "MULLER", "KIM", "LEE", "PARK", "TANAKA", "SATO", "NGUYEN", "TAN", "LIM"];
    private static readonly string[] ForeignGivenNames =
        ["JOHN", "EMMA", "OLIVER", "SOPHIA", "LIAM", "MIA", "DAVID", "ANNA", "MINJUN", "YUKI", "HARUTO", "THOMAS", "LUCAS", "CHLOE"];
    private static readonly string[] PinyinSurnames = ["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU"];
    private static readonly string[] PinyinGivenNames = ["WEI", "JING", "XIAOMING", "JIAHUI", "YUTING", "HAORAN", "SIQI", "ZIHAN", "MEILING"];

    public static string Surname(Random rng)
    {
        var x = rng.NextDouble() * SurnameTotal;
        foreach (var (surname, weight) in Surnames)
        {
            if ((x -= weight) < 0) return surname;
        }
        return Surnames[0].Surname;
    }

    public static string GivenName(Random rng, bool female)
    {
        var pool = female ? FemaleChars : MaleChars;
        var last = pool[rng.Next(pool.Length)].ToString();
        if (rng.NextDouble() < 0.35) return last;
        var firstPool = rng.NextDouble() < 0.5 ? NeutralChars : pool;
        return firstPool[rng.Next(firstPool.Length)] + last;
    }

    public static string ChineseName(Random rng, bool female) => Surname(rng) + GivenName(rng, female);

    /// <summary>A name whose given name ends in a rare character from <paramref name="rare"/>.</summary>
    public static string RareName(Random rng, bool female, string[] rare)
    {
        var r = rare[rng.Next(rare.Length)];
        var pool = rng.NextDouble() < 0.5 ? NeutralChars : (female ? FemaleChars : MaleChars);
        return Surname(rng) + (rng.NextDouble() < 0.5 ? r : pool[rng.Next(pool.Length)] + r);
    }

    /// <summary>Passport name as printed in the machine-readable zone: SURNAME GIVEN, upper case ASCII.</summary>
    public static (string Name, bool ChineseCitizen) PassportName(Random rng)
    {
        if (rng.NextDouble() < 0.4)
            return ($"{PinyinSurnames[rng.Next(PinyinSurnames.Length)]} {PinyinGivenNames[rng.Next(PinyinGivenNames.Length)]}", true);
        return ($"{ForeignSurnames[rng.Next(ForeignSurnames.Length)]} {ForeignGivenNames[rng.Next(ForeignGivenNames.Length)]}", false);
    }
}
