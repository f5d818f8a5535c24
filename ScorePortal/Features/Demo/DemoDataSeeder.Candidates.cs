using ScorePortal.Model;

namespace ScorePortal.Features.Demo;

public static partial class DemoDataSeeder
{
    // ---------------------------------------------------------------- featured candidates

    private sealed record FeaturedSitting(SessionSlot Slot, string Qualification, string[] Scores);

    private sealed record FeaturedSpec(
        string Case, IdType IdType, string IdNumber, string Name, string? Email, string Province, FeaturedSitting[] Sittings);

    /// <summary>
    /// Fixed people with fixed results, independent of the random pool, so that the README can name them.
    /// Scores are "absent", "voided" or a number; pass line is 45 of 75 in every subject.
    /// </summary>
    private static readonly FeaturedSpec[] Featured =
    [
        new("Common name, passed", IdType.ResidentId, "110105199003072311", "张伟", null, "11",
            [new(SessionSlot.Latest, "M01", ["58", "52"]), new(SessionSlot.Scheduled, "S03", [])]),
        new("Failed one subject", IdType.ResidentId, "31010419880615478X", "李娜", null, "31",
            [new(SessionSlot.Latest, "M02", ["51", "41"])]),
        new("Absent", IdType.ResidentId, "440106199509216119", "刘洋", null, "44",
            [new(SessionSlot.Latest, "J01", ["47", "absent"])]),
        new("CJK Extension B name", IdType.ResidentId, "320102199211083808", "杨\U00020BB7", null, "32",
            [new(SessionSlot.Latest, "S03", ["53", "49", "46"])]),
        new("CJK Extension A name", IdType.ResidentId, "330106198704125212", "赵\u4DAE", null, "33",
            [new(SessionSlot.Latest, "M03", ["56", "47.5"])]),
        new("Middle-dot minority name", IdType.ResidentId, "650102199302267414", "买买提·艾力", null, "65",
            [new(SessionSlot.Latest, "M05", ["49", "45"])]),
        new("Passport holder", IdType.Passport, "E12345678", "SMITH JOHN", "john.smith@example.com", "31",
            [new(SessionSlot.Latest, "M01", ["61", "55"])]),
        new("Passed across two sessions", IdType.ResidentId, "420106198507191503", "陈静", null, "42",
            [new(SessionSlot.Earlier, "S01", ["52", "48", "40"]), new(SessionSlot.Latest, "S01", ["38", "41", "49"])]),
        new("HK/Macao/Taiwan residence permit", IdType.HkMacaoTaiwanPermit, "810000199105038614", "陈家豪", null, "44",
            [new(SessionSlot.Latest, "M04", ["44", "50"])]),
        new("Voided subject", IdType.ResidentId, "370102199608302908", "孙丽", null, "37",
            [new(SessionSlot.Latest, "J02", ["52", "voided"])]),
    ];

    private static string WhyOf(FeaturedSpec spec, SessionPlan sessions, IReadOnlyDictionary<string, string> tickets) => spec.Case switch
    {
        "Common name, passed" =>
            $"Plain common name (namesakes likely in the random pool); passed both subjects, certificate issued. Also registered for {sessions.Scheduled.Code} (S03, ticket {tickets[sessions.Scheduled.Code]}), whose results are not released yet.",
        "Failed one subject" => "Failed 应用技术 with 41 (< 45). ID ends in check digit X: look it up with a lower-case x too.",
        "Absent" => "Sat 基础知识 (47), absent (缺考) from 应用技术: no score, not passed.",
        "CJK Extension B name" => "Given name 𠮷 (U+20BB7) is a surrogate pair outside the BMP; passed, so it must render in the PDF certificate too. A candidate without an IME for it types U+20BB7 or &#x20BB7;.",
        "CJK Extension A name" => "Given name 䶮 (U+4DAE, CJK Extension A); passed with a half mark (47.5).",
        "Middle-dot minority name" => "Uyghur name with U+00B7; look-alike dots (•, ・, ‧) must match. 案例分析 exactly at the pass line (45) counts as passed.",
        "Passport holder" => "Overseas candidate: passport number + registered email (john.smith@example.com); English UI; passed.",
        "Passed across two sessions" =>
            $"{sessions.Earlier.Code} (ticket {tickets[sessions.Earlier.Code]}): passed 综合知识 and 案例分析, failed 论文; {sessions.Latest.Code}: passed only 论文. Under the 2-year rule the qualification is passed in {sessions.Latest.Code}.",
        "HK/Macao/Taiwan residence permit" => "Residence permit number (810000…, GB 11643 layout) sitting in Guangdong; failed 基础知识 by one point (44).",
        "Voided subject" => "应用技术 voided (违纪) — shows a status instead of a score.",
        _ => spec.Case,
    };

    private static List<CandidatePlan> PlanFeatured(SessionPlan sessions, CatalogView catalog)
    {
        var plans = new List<CandidatePlan>();
        foreach (var spec in Featured)
        {
            if (spec.IdType != IdType.Passport && !ResidentIdNumber.IsValid(spec.IdNumber))
                throw new InvalidOperationException($"Featured demo ID number {spec.IdNumber} is not valid.");
            var plan = new CandidatePlan(new Candidate
            {
                IdType = spec.IdType,
                IdNumber = CandidateIdentity.NormalizeIdNumber(spec.IdType, spec.IdNumber),
                Name = spec.Name,
                Email = spec.Email,
            }, spec.Province);
            foreach (var f in spec.Sittings)
            {
                var session = sessions[f.Slot];
                var qualification = catalog.Qualifications[f.Qualification];
                var sitting = new SittingPlan(session, qualification, ChinaTime(session.ExamStartDate.AddDays(-60), 10));
                if (session.PublishedAt is not null)
                {
                    var subjects = catalog.SubjectsOf(qualification);
                    if (subjects.Count != f.Scores.Length)
                        throw new InvalidOperationException($"Featured {spec.Name}: {f.Qualification} has {subjects.Count} subjects.");
                    sitting.Results = subjects.Zip(f.Scores, (s, v) => v switch
                    {
                        "absent" => new SubjectResult(s, null, ScoreStatus.Absent),
                        "voided" => new SubjectResult(s, null, ScoreStatus.Voided),
                        _ => new SubjectResult(s, decimal.Parse(v, Inv), ScoreStatus.Normal),
                    }).ToList();
                }
                plan.Sittings.Add(sitting);
            }
            plans.Add(plan);
        }
        return plans;
    }

    /// <summary>The featured candidates as the README lists them; ticket numbers follow from inserting them first.</summary>
    private static List<DemoCandidate> DescribeFeatured(SessionPlan sessions, DemoCatalog.QualificationsFile file)
    {
        var tickets = new TicketCounter();
        var names = file.Qualifications.ToDictionary(q => q.Code, q => q.Zh);
        var result = new List<DemoCandidate>();
        foreach (var spec in Featured)
        {
            var byCode = spec.Sittings.ToDictionary(s => sessions[s.Slot].Code, s => tickets.Next(sessions[s.Slot], spec.Province));
            var main = spec.Sittings.FirstOrDefault(s => s.Slot == SessionSlot.Latest) ?? spec.Sittings[0];
            var mainSession = sessions[main.Slot];
            result.Add(new DemoCandidate(spec.Case, spec.IdType, spec.IdNumber, spec.Name, spec.Email, mainSession.Code,
                byCode[mainSession.Code], main.Qualification, names[main.Qualification], WhyOf(spec, sessions, byCode)));
        }
        return result;
    }

    // ---------------------------------------------------------------- the random pool

    private static readonly Dictionary<string, double> QualificationWeights = new()
    {
        ["S01"] = 12, ["S02"] = 3, ["S03"] = 4, ["S04"] = 2, ["S05"] = 3,
        ["M01"] = 14, ["M02"] = 8, ["M03"] = 4, ["M04"] = 3, ["M05"] = 12, ["M06"] = 1, ["M07"] = 2, ["M08"] = 2,
        ["M09"] = 2, ["M10"] = 1, ["M11"] = 1, ["M12"] = 0.5, ["M13"] = 0.5, ["M14"] = 1,
        ["J01"] = 3, ["J02"] = 1.5, ["J03"] = 1, ["J04"] = 0.5, ["J05"] = 0.5, ["J06"] = 0.5, ["J07"] = 0.5,
    };

    // Candidates per mainland province: population, tilted towards the provinces where the IT industry is.
    private static readonly (string Code, double Weight)[] ProvinceWeights =
    [
        ("11", 40), ("12", 14), ("13", 60), ("14", 30), ("15", 20), ("21", 40), ("22", 22), ("23", 28), ("31", 40), ("32", 100),
        ("33", 80), ("34", 55), ("35", 45), ("36", 40), ("37", 95), ("41", 90), ("42", 60), ("43", 60), ("44", 150), ("45", 45),
        ("46", 10), ("50", 35), ("51", 85), ("52", 32), ("53", 40), ("54", 3), ("61", 42), ("62", 22), ("63", 5), ("64", 6), ("65", 22),
    ];

    // Level difficulty shift (marks) so that qualification pass rates land around 20–50 %.
    private static readonly Dictionary<string, double> LevelShift = new() { ["junior"] = 3.0, ["intermediate"] = 0.5, ["senior"] = -0.5 };

    private static readonly DateOnly EarliestBirth = new(1970, 1, 1);
    private static readonly DateOnly LatestBirth = new(2004, 12, 31);

    private static CandidatePlan PlanRandom(Random rng, SessionPlan sessions, CatalogView catalog, HashSet<string> usedIds)
    {
        var female = rng.NextDouble() < 0.42;
        var kind = rng.NextDouble();
        Candidate candidate;
        string province;
        if (kind < 0.02)
        {
            var (name, chineseCitizen) = DemoNames.PassportName(rng);
            string number;
            do
            {
                number = chineseCitizen
                    ? (rng.NextDouble() < 0.8 ? "E" : "G") + rng.Next(10_000_000, 100_000_000).ToString(Inv)
                    : string.Concat((char)('A' + rng.Next(26)), (char)('A' + rng.Next(26)), rng.Next(1_000_000, 10_000_000).ToString(Inv));
            } while (!usedIds.Add(number));
            var parts = name.Split(' ');
            var email = string.Create(Inv, $"{parts[1].ToLowerInvariant()}.{parts[0].ToLowerInvariant()}{rng.Next(1, 100)}@example.{(rng.Next(3) switch { 0 => "com", 1 => "org", _ => "net" })}");
            candidate = new Candidate { IdType = IdType.Passport, IdNumber = number, Name = name, Email = email };
            province = rng.NextDouble() < 0.5 ? "11" : "31";
        }
        else if (kind < 0.025)
        {
            var (prefix, sitsIn) = rng.Next(3) switch { 0 => ("81", "44"), 1 => ("82", "44"), _ => ("83", "35") };
            var number = NewIdNumber(rng, prefix + "0000", female, usedIds);
            candidate = new Candidate { IdType = IdType.HkMacaoTaiwanPermit, IdNumber = number, Name = DemoNames.ChineseName(rng, female) };
            province = sitsIn;
        }
        else
        {
            string name;
            if (kind < 0.04)
            {
                var m = DemoNames.MiddleDotNames[rng.Next(DemoNames.MiddleDotNames.Length)];
                (name, female, province) = (m.Name, m.Female, m.Province);
            }
            else
            {
                province = Pick(rng, ProvinceWeights);
                name = kind switch
                {
                    < 0.048 => DemoNames.RareName(rng, female, DemoNames.ExtensionA),
                    < 0.054 => DemoNames.RareName(rng, female, DemoNames.ExtensionB),
                    _ => DemoNames.ChineseName(rng, female),
                };
            }
            candidate = new Candidate { IdType = IdType.ResidentId, IdNumber = NewIdNumber(rng, RegionCode(rng, province), female, usedIds), Name = name };
        }

        var plan = new CandidatePlan(candidate, province);
        var ability = Gaussian(rng);
        var qualification = PickQualification(rng, catalog);

        if (rng.NextDouble() < 0.10)
        {
            // Sat the earlier session too; those who passed everything then move on to another qualification.
            var earlier = NewSitting(rng, sessions.Earlier, qualification, catalog, ability, 0);
            plan.Sittings.Add(earlier);
            var latest = earlier.PassedAll
                ? NewSitting(rng, sessions.Latest, OtherQualification(rng, catalog, qualification), catalog, ability, 0)
                : NewSitting(rng, sessions.Latest, qualification, catalog, ability, 2.0);
            plan.Sittings.Add(latest);
        }
        else
        {
            plan.Sittings.Add(NewSitting(rng, sessions.Latest, qualification, catalog, ability, 0));
        }

        if (rng.NextDouble() < 0.30)
        {
            var last = plan.Sittings[^1];
            var next = last.PassedAll ? OtherQualification(rng, catalog, last.Qualification) : last.Qualification;
            plan.Sittings.Add(NewSitting(rng, sessions.Scheduled, next, catalog, ability, 0));
        }
        return plan;
    }

    private static SittingPlan NewSitting(Random rng, ExamSession session, Qualification qualification, CatalogView catalog, double ability, double boost)
    {
        var registeredAt = ChinaTime(session.ExamStartDate.AddDays(-rng.Next(40, 100)), rng.Next(8, 23), rng.Next(60));
        var sitting = new SittingPlan(session, qualification, registeredAt);
        if (session.PublishedAt is null) return sitting;

        var subjects = catalog.SubjectsOf(qualification);
        var shift = LevelShift.GetValueOrDefault(catalog.LevelCodes[qualification.LevelId]) + boost;
        var absentAll = rng.NextDouble() < 0.02;
        var voided = rng.NextDouble() < 0.0015 ? rng.Next(subjects.Count) : -1;
        var results = new List<SubjectResult>(subjects.Count);
        for (var i = 0; i < subjects.Count; i++)
        {
            var s = subjects[i];
            if (absentAll || (i > 0 && rng.NextDouble() < 0.012))
            {
                results.Add(new SubjectResult(s, null, ScoreStatus.Absent));
                continue;
            }
            if (i == voided)
            {
                results.Add(new SubjectResult(s, null, ScoreStatus.Voided));
                continue;
            }
            var raw = (double)s.PassLine + shift + 9 * (0.6 * ability + 0.8 * Gaussian(rng));
            raw = Math.Clamp(raw, 0, (double)s.FullMarks);
            // Multiple-choice papers score whole marks; written papers are marked in halves.
            var score = s.Code is "ZH" or "JC" ? Math.Round(raw) : Math.Round(raw * 2) / 2;
            results.Add(new SubjectResult(s, (decimal)score, ScoreStatus.Normal));
        }
        sitting.Results = results;
        return sitting;
    }

    private static Qualification PickQualification(Random rng, CatalogView catalog)
    {
        var code = Pick(rng, catalog.Qualifications.Keys.Select(k => (k, QualificationWeights.GetValueOrDefault(k, 1))).ToArray());
        return catalog.Qualifications[code];
    }

    private static Qualification OtherQualification(Random rng, CatalogView catalog, Qualification current)
    {
        while (true)
        {
            var q = PickQualification(rng, catalog);
            if (q.Id != current.Id) return q;
        }
    }

    /// <summary>Province + a plausible prefecture and county (municipalities have districts only).</summary>
    private static string RegionCode(Random rng, string province)
    {
        var municipality = province is "11" or "12" or "31" or "50";
        var city = municipality ? 1 : rng.Next(1, 10);
        var county = municipality ? rng.Next(1, 17) : rng.Next(2, 13);
        return string.Create(Inv, $"{province}{city:D2}{county:D2}");
    }

    private static string NewIdNumber(Random rng, string region, bool female, HashSet<string> usedIds)
    {
        var span = LatestBirth.DayNumber - EarliestBirth.DayNumber;
        while (true)
        {
            var birth = EarliestBirth.AddDays(rng.Next(span + 1));
            var order = rng.Next(100);
            var sex = rng.Next(5) * 2 + (female ? 0 : 1);
            var first17 = string.Create(Inv, $"{region}{birth:yyyyMMdd}{order:D2}{sex}");
            var id = first17 + ResidentIdNumber.ComputeCheckDigit(first17);
            if (usedIds.Add(id)) return id;
        }
    }

    private static T Pick<T>(Random rng, (T Item, double Weight)[] items)
    {
        var x = rng.NextDouble() * items.Sum(i => i.Weight);
        foreach (var (item, weight) in items)
        {
            if ((x -= weight) < 0) return item;
        }
        return items[^1].Item;
    }

    private static double Gaussian(Random rng)
    {
        // Box–Muller; 1 - NextDouble() avoids log(0).
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
