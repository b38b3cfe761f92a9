using NetDetect.Core.Network;
using static NetDetect.Core.Tests.Network.NetworkTestData;

namespace NetDetect.Core.Tests.Network;

public class ShareExtractorTests
{
    [Fact]
    public void Hashtags_are_case_folded_and_counted_once_per_post()
    {
        var ds = Build([Post("p1", "a", 0, hashtags: ["HongKong", "hongkong", "News"]), Post("p2", "b", 5, hashtags: ["HONGKONG"])]);
        var s = ShareExtractor.Extract(ds, Modality.Hashtag);
        Assert.Equal(3, s.Count);
        Assert.Equal(s.Object[0], s.Object[2]);
        Assert.Equal("hongkong", s.ObjectName(s.Object[2]));
        var n = CoShareBuilder.Build(s, new CoShareOptions { WindowMicros = 10_000_000 });
        Assert.Equal(1, n.EdgeCount);
        Assert.Equal(1, n.Pairs[0]);
    }

    [Fact]
    public void Urls_are_normalised_before_matching()
    {
        var ds = Build([
            Post("p1", "a", 0, urls: ["HTTPS://Example.COM/story/?utm_source=tw#top"]),
            Post("p2", "b", 5, urls: ["https://example.com/story"]),
            Post("p3", "c", 6, urls: ["https://example.com/other"]),
        ]);
        var s = ShareExtractor.Extract(ds, Modality.Url);
        Assert.Equal(s.Object[0], s.Object[1]);
        Assert.NotEqual(s.Object[0], s.Object[2]);
    }

    [Fact]
    public void Text_and_reply_use_originals_only_and_repost_uses_the_target()
    {
        var ds = Build([
            Post("p1", "a", 0, text: "RT @someone  Free   HONG KONG https://t.co/x"),
            Post("p2", "b", 5, text: "free hong kong"),
            Post("p3", "c", 6, text: "free hong kong", repostOf: "p2"),
            Post("p4", "d", 7, text: "@x https://y.z"),
            Post("p5", "a", 8, replyTo: "p9"),
            Post("p6", "b", 9, replyTo: "p9", repostOf: "p2"),
        ]);
        var text = ShareExtractor.Extract(ds, Modality.Text);
        // p3 is a repost, p4 normalises to nothing, p5/p6 have no text
        Assert.Equal([0, 1], text.Post);
        Assert.Equal("rt free hong kong", text.ObjectName(text.Object[0]));
        Assert.Equal("free hong kong", text.ObjectName(text.Object[1]));
        var reply = ShareExtractor.Extract(ds, Modality.Reply);
        Assert.Equal([4], reply.Post);
        var repost = ShareExtractor.Extract(ds, Modality.Repost);
        Assert.Equal([2, 5], repost.Post);
        Assert.Equal("p2", repost.ObjectName(repost.Object[0]));
    }

    [Theory]
    [InlineData("Hello   World", "hello world")]
    [InlineData("  @user hi @Other_1 there  ", "hi there")]
    [InlineData("see https://a.b/c?d=e and www.x.org now", "see and now")]
    [InlineData("e-mail a@b.c stays", "e-mail a@b.c stays")]
    [InlineData("ÜNÏCÖDE\tTEXT\n", "ünïcöde text")]
    [InlineData("@only https://only", "")]
    [InlineData("HTTPS://A.B/C then WWW.X.ORG end Http://y", "then end")]
    [InlineData("what when @_x who @ alone hxxp://a.b", "what when who @ alone hxxp://a.b")]
    public void Text_normal_form(string input, string expected) => Assert.Equal(expected, TextNormalizer.Normalize(input));

    /// <summary>The normaliser against its definition written out plainly (every token start tried as a mention and a URL), on random texts.</summary>
    [Fact]
    public void Text_normal_form_matches_the_plain_definition_on_random_texts()
    {
        string[] pieces = ["@", "@a", "@_", "http://", "HTTPS://", "https:/", "www.", "WWW.", "Www", "h", "w", "W", "H", "x", "é", "Ü", " ", "  ", "\t", "\n", "香", ".", "_", "1"];
        var rng = new Random(12);
        for (int k = 0; k < 5_000; k++)
        {
            var sb = new System.Text.StringBuilder();
            for (int p = rng.Next(12); p > 0; p--) sb.Append(pieces[rng.Next(pieces.Length)]);
            string text = sb.ToString();
            Assert.Equal(Plain(text), TextNormalizer.Normalize(text));
        }

        static string Plain(string text)
        {
            var sb = new System.Text.StringBuilder();
            bool pendingSpace = false;
            for (int i = 0; i < text.Length;)
            {
                bool tokenStart = i == 0 || char.IsWhiteSpace(text[i - 1]);
                var rest = text.AsSpan(i);
                bool mention = rest.Length > 1 && rest[0] == '@' && (char.IsLetterOrDigit(rest[1]) || rest[1] == '_');
                bool url = rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                    || rest.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
                if (tokenStart && (mention || url))
                {
                    while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                    continue;
                }
                if (char.IsWhiteSpace(text[i]))
                {
                    pendingSpace = sb.Length > 0;
                    i++;
                    continue;
                }
                if (pendingSpace) { sb.Append(' '); pendingSpace = false; }
                sb.Append(char.ToLowerInvariant(text[i++]));
            }
            return sb.ToString();
        }
    }
}
