using ScorePortal.Features.Reviews;

namespace ScorePortal.Tests.Features.Reviews;

public sealed class ReviewRulesUnitTests
{
    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE1, 0x00 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00 }, "image/png")]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, null)]
    [InlineData(new byte[] { 0x3C, 0x68, 0x74, 0x6D, 0x6C, 0x3E }, null)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44 }, null)]
    public void File_type_is_read_from_the_first_bytes(byte[] bytes, string? type) =>
        Assert.Equal(type, ReviewFileCheck.TypeOf(bytes));

    [Theory]
    [InlineData(new[] { 44.0, 47.0, 52.0 }, 47.0)]
    [InlineData(new[] { 52.0, 44.0, 47.0 }, 47.0)]
    [InlineData(new[] { 40.0, 40.0, 60.0 }, 40.0)]
    [InlineData(new[] { 40.0, 50.0 }, 45.0)]
    public void The_decision_is_the_median_of_the_marks(double[] marks, double median) =>
        Assert.Equal((decimal)median, ConfirmReviewDecision.Median([.. marks.Select(m => (decimal)m)]));

    [Fact]
    public async Task A_file_over_the_limit_is_refused_after_reading_one_byte_more_than_the_limit()
    {
        var options = new ReviewOptions { MaxFileBytes = 1000 };
        var bytes = new byte[5000];
        "%PDF-"u8.CopyTo(bytes);
        // The declared length lies (0): the check still stops at the limit.
        var (file, error) = await ReviewFileCheck.CheckAsync(new MemoryStream(bytes), 0, options, pdfOnly: false, default);
        Assert.Null(file);
        Assert.Equal(ReviewErrors.FileTooLarge, error);
    }

    [Fact]
    public async Task The_answer_script_must_be_a_PDF()
    {
        var (_, error) = await ReviewFileCheck.CheckAsync(new MemoryStream(ReviewTestSupport.Jpeg()), 12, new ReviewOptions(), pdfOnly: true, default);
        Assert.Equal(ReviewErrors.FileNotPdf, error);
    }
}
