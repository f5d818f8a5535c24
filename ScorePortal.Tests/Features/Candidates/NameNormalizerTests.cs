using ScorePortal.Features.Candidates;

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
}
