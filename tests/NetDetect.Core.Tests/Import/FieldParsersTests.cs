using NetDetect.Core.Data;
using NetDetect.Core.Import;

namespace NetDetect.Core.Tests.Import;

public class FieldParsersTests
{
    [Theory]
    [InlineData("1.17E+18", true)]
    [InlineData("1.1740321E+18", true)]
    [InlineData("9.87e17", true)]
    [InlineData("898925911294132224.0", true)]
    [InlineData("898925911294132224", false)]
    [InlineData("vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE=", false)]
    [InlineData("1E5abc=", false)]
    [InlineData("fb_12670", false)]
    [InlineData("", false)]
    public void Mangled_numeric_ids_are_recognised(string id, bool mangled) =>
        Assert.Equal(mangled, FieldParsers.IsMangledNumericId(id));

    [Theory]
    [InlineData("[]", new string[0])]
    [InlineData("", new string[0])]
    [InlineData("['a', 'b']", new[] { "a", "b" })]
    [InlineData("[a, b]", new[] { "a", "b" })]
    [InlineData("[\"it's\", 'x']", new[] { "it's", "x" })]
    [InlineData("['https://e.com/?a=1,2']", new[] { "https://e.com/?a=1,2" })]
    [InlineData("['a\\'b', 'c\\\\d']", new[] { "a'b", "c\\d" })]
    [InlineData("  ['香港' ,'HK']  ", new[] { "香港", "HK" })]
    public void List_like_strings_are_parsed(string text, string[] expected)
    {
        var into = new List<string>();
        Assert.Null(FieldParsers.ParseListLike(text, into));
        Assert.Equal(expected, into);
    }

    [Theory]
    [InlineData("'a', 'b'")]
    [InlineData("['a', 'b'")]
    [InlineData("['a' 'b']")]
    [InlineData("['a',]")]
    [InlineData("['a]")]
    public void Malformed_list_like_strings_are_refused(string text) =>
        Assert.NotNull(FieldParsers.ParseListLike(text, []));

    [Theory]
    [InlineData("2019-08-20 14:03", true)]
    [InlineData("2019-08-20 14:03:07", false)]
    [InlineData("2019-08-20T14:03:07Z", false)]
    public void Archive_times_are_read_as_utc(string text, bool minutes)
    {
        Assert.True(FieldParsers.TryParseDateTime(text, out long micros, out bool wholeMinutes));
        Assert.Equal(minutes, wholeMinutes);
        var expected = new DateTime(2019, 8, 20, 14, 3, minutes ? 0 : 7, DateTimeKind.Utc);
        Assert.Equal(Time.FromDateTime(expected), micros);
    }

    [Theory]
    [InlineData("20/08/2019 14:03")]
    [InlineData("2019-13-01 00:00")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Unreadable_times_are_refused(string text) =>
        Assert.False(FieldParsers.TryParseDateTime(text, out _, out _));

    [Theory]
    [InlineData("1e9")]
    [InlineData("12a")]
    [InlineData("")]
    [InlineData(".5")]
    [InlineData("99999999999999999999")]
    public void Unreadable_epochs_are_refused(string text) =>
        Assert.False(FieldParsers.TryParseEpochSeconds(text, out _));

    [Theory]
    [InlineData("17", 17L)]
    [InlineData("17.0", 17L)]
    [InlineData("0.0", 0L)]
    public void Counts_accept_a_zero_fraction(string text, long expected)
    {
        Assert.True(FieldParsers.TryParseCount(text, out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("17.5")]
    [InlineData("-3")]
    [InlineData("many")]
    public void Counts_refuse_anything_else(string text) => Assert.False(FieldParsers.TryParseCount(text, out _));
}
