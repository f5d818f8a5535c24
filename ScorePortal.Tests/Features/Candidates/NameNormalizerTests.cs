using ScorePortal.Model;

namespace ScorePortal.Tests.Features.Candidates;

public sealed class NameNormalizerTests
{
    private const string YangJi = "杨\U00020BB7"; // 杨𠮷: 𠮷 is U+20BB7, a surrogate pair

    private static string Normalized(string input)
    {
        Assert.Equal(NameProblem.None, NameNormalizer.TryNormalize(input, out var normalized));
        return normalized;
    }

    [Theory]
    [InlineData("杨U+20BB7")]
    [InlineData("杨u+20bb7")]
    [InlineData("杨&#x20BB7;")]
    [InlineData("杨&#134071;")]
    [InlineData("杨\\U00020BB7")]
    [InlineData("杨\\uD842\\uDFB7")]
    [InlineData("\\u6768\\uD842\\uDFB7")]
    [InlineData("  杨\U00020BB7\u3000")]
    public void Extension_B_name_typed_as_an_escape_is_the_character(string typed)
    {
        Assert.Equal(YangJi, Normalized(typed));
    }

    [Fact]
    public void Extension_B_character_counts_as_one_code_point()
    {
        Assert.Equal(3, YangJi.Length);
        Assert.Equal(2, NameNormalizer.CodePointCount(YangJi));
    }

    [Theory]
    [InlineData("买买提·艾力")]
    [InlineData("买买提•艾力")]
    [InlineData("买买提・艾力")]
    [InlineData("买买提‧艾力")]
    [InlineData("买买提∙艾力")]
    [InlineData("买买提･艾力")]
    [InlineData("买买提．艾力")]
    [InlineData("买买提 · 艾力")]
    [InlineData("买买提\u3000•\u3000艾力")]
    [InlineData("买买提&#xB7;艾力")]
    public void Dot_look_alikes_become_one_middle_dot(string typed)
    {
        Assert.Equal("买买提\u00B7艾力", Normalized(typed));
    }

    [Fact]
    public void White_space_is_trimmed_and_folded_to_one_space()
    {
        Assert.Equal("SMITH JOHN", Normalized(" \tSMITH \u3000  JOHN\u00A0"));
    }

    [Fact]
    public void Decomposed_input_is_composed()
    {
        Assert.Equal("Zoë", Normalized("Zoe\u0308"));
    }

    [Fact]
    public void Full_width_latin_letters_are_ascii_letters()
    {
        Assert.Equal("SMITH JOHN", Normalized("ＳＭＩＴＨ　ＪＯＨＮ"));
    }

    [Theory]
    [InlineData("张伟", "张伟")]
    [InlineData("杨U+20BB7", YangJi)]
    [InlineData("smith john", "SMITH JOHN")]
    [InlineData("买买提•艾力", "买买提 · 艾力")]
    public void Typed_name_matches_the_stored_name_normalized_at_compare_time(string typed, string stored)
    {
        Assert.True(NameNormalizer.Matches(Normalized(typed), stored));
    }

    [Fact]
    public void A_different_name_does_not_match()
    {
        Assert.False(NameNormalizer.Matches(Normalized("张伟"), "张玮"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \u3000 ")]
    public void Empty_name_is_refused(string? typed)
    {
        Assert.Equal(NameProblem.Empty, NameNormalizer.TryNormalize(typed, out _));
    }

    [Fact]
    public void Fifty_extension_b_characters_are_accepted_and_fifty_one_are_too_long()
    {
        var fifty = string.Concat(Enumerable.Repeat("\U00020BB7", 50));
        Assert.Equal(100, fifty.Length);
        Assert.Equal(NameProblem.None, NameNormalizer.TryNormalize(fifty, out _));
        Assert.Equal(NameProblem.TooLong, NameNormalizer.TryNormalize(fifty + "\U00020BB7", out _));
    }

    [Theory]
    [InlineData("杨U+110000")]
    [InlineData("杨&#x110000;")]
    [InlineData("杨U+D842")]
    [InlineData("杨&#55362;")]
    [InlineData("杨\\uD842")]
    [InlineData("杨\\uDFB7\\uD842")]
    public void Escapes_naming_no_character_are_refused(string typed)
    {
        var problem = NameNormalizer.TryNormalize(typed, out _);
        Assert.True(problem is NameProblem.InvalidEscape or NameProblem.InvalidCharacter, problem.ToString());
    }

    [Fact]
    public void Control_characters_are_refused()
    {
        Assert.Equal(NameProblem.InvalidCharacter, NameNormalizer.TryNormalize("张\u0007伟", out _));
    }

    [Theory]
    [InlineData("买买提.艾力")]
    [InlineData("买买提．艾力")]
    [InlineData("买买提。艾力")]
    [InlineData("买买提 . 艾力")]
    [InlineData("买买提\uFE52艾力")]
    public void A_full_stop_between_two_letters_is_the_middle_dot(string typed)
    {
        Assert.Equal("买买提\u00B7艾力", Normalized(typed));
        Assert.True(NameNormalizer.Matches(Normalized(typed), "买买提·艾力"));
    }

    [Theory]
    [InlineData(".艾力")]
    [InlineData("买买提.")]
    [InlineData("买买提..艾力")]
    [InlineData("买买提.-艾力")]
    public void A_full_stop_anywhere_else_is_refused(string typed)
    {
        Assert.Equal(NameProblem.InvalidCharacter, NameNormalizer.TryNormalize(typed, out _));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("张伟1")]
    [InlineData("张伟１")]
    [InlineData("张\u200B伟")]
    [InlineData("张伟\uD83D\uDE00")]
    [InlineData("张伟\u263A")]
    [InlineData("张\u0000伟")]
    [InlineData("张\u0085伟")]
    [InlineData("张;伟")]
    [InlineData("张,伟")]
    [InlineData("=cmd|' /C calc'!A0")]
    [InlineData("Ⅱ")]
    [InlineData("\u0301张")]
    [InlineData("-")]
    [InlineData("\uFE0F")]
    [InlineData("张\u202E伟")]
    [InlineData("张伟\u00AD")]
    public void Anything_but_the_characters_of_a_name_is_refused(string typed)
    {
        Assert.Equal(NameProblem.InvalidCharacter, NameNormalizer.TryNormalize(typed, out _));
    }

    [Theory]
    [InlineData("杨\U00020BB7", "杨\U00020BB7")] // Extension B as a surrogate pair
    [InlineData("\U0002EBF0\U00031350", "\U0002EBF0\U00031350")] // Extensions I and H
    [InlineData("张\uE000", "张\uE000")] // Private Use Area, where some registration systems keep rare characters
    [InlineData("\U000F0001李", "\U000F0001李")] // supplementary Private Use Area
    [InlineData("王⿰木吉", "王⿰木吉")] // a rare character spelt out as an ideographic description sequence
    [InlineData("李〇", "李〇")]
    [InlineData("ئابدۇرېھىم", "ئابدۇرېھىم")] // Uyghur (Arabic script)
    [InlineData("བཀྲ་ཤིས་", "བཀྲ་ཤིས་")] // Tibetan, with the tsheg between syllables
    [InlineData("ᠪᠠᠲᠦ", "ᠪᠠᠲᠦ")] // Mongolian script
    [InlineData("ᠨᠠ\u180Bᠰᠤ", "ᠨᠠ\u180Bᠰᠤ")] // Mongolian free variation selector
    [InlineData("Zoe\u0308", "Zoë")]
    [InlineData("O'BRIEN", "O'BRIEN")]
    [InlineData("O’BRIEN", "O'BRIEN")]
    [InlineData("SMITH-JONES", "SMITH-JONES")]
    [InlineData("ＳＭＩＴＨ－ＪＯＮＥＳ", "SMITH-JONES")]
    [InlineData("김민준", "김민준")]
    [InlineData("ﾔﾏﾀﾞ", "ﾔﾏﾀﾞ")]
    [InlineData("山田・太郎", "山田·太郎")]
    public void Every_script_people_write_names_in_is_accepted(string typed, string expected)
    {
        Assert.Equal(expected, Normalized(typed));
    }

    [Theory]
    [InlineData("葛\U000E0100", "葛")] // ideographic variation selector
    [InlineData("邉\U000E0101", "邉\U000E0104")]
    [InlineData("禰\uFE00", "禰")] // standardized variation selector
    public void Variation_selectors_are_accepted_and_ignored_when_matching(string typed, string stored)
    {
        Assert.True(NameNormalizer.Matches(Normalized(typed), stored));
        Assert.Equal(typed, Normalized(typed));
    }
}
