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

    [Fact]
    public void Texts_are_numbered_by_first_appearance_and_equal_keys_of_different_texts_stay_apart()
    {
        // 3,000 posts of 1-3 words from a small vocabulary (with case, mention and URL variants, and reposts): many
        // texts repeat, many appear once
        var rng = new Random(5);
        string[] words = ["free", "Hong", "KONG", "now", "ünïcöde", "stand", "with", "@someone", "https://t.co/x", "news", "today", "vote"];
        var records = new List<NetDetect.Core.Data.PostRecord>();
        for (int i = 0; i < 3_000; i++)
        {
            int k = rng.Next(1, 4);
            var text = string.Join(rng.Next(4) == 0 ? "   " : " ", Enumerable.Range(0, k).Select(_ => words[rng.Next(words.Length)]));
            string? repostOf = i > 10 && rng.Next(10) == 0 ? $"p{rng.Next(i)}" : null;
            records.Add(Post($"p{i}", $"a{rng.Next(1_000)}", rng.Next(20_000), text: rng.Next(30) == 0 ? null : text, repostOf: repostOf));
        }
        var ds = Build(records);
        // reference: normal forms of the originals in post order, numbered as first seen
        var ids = new Dictionary<string, int>();
        var refPost = new List<int>();
        var refObject = new List<int>();
        for (int j = 0; j < ds.Posts.Count; j++)
        {
            if (ds.Posts.RepostOfPost[j] >= 0 || ds.Posts.Text.GetString(j) is not { } t) continue;
            var form = TextNormalizer.Normalize(t);
            if (form.Length == 0) continue;
            if (!ids.TryGetValue(form, out int id)) ids[form] = id = ids.Count;
            refPost.Add(j);
            refObject.Add(id);
        }
        var names = ids.OrderBy(x => x.Value).Select(x => x.Key).ToArray();
        var full = ShareExtractor.Extract(ds, Modality.Text, threads: 2);
        Assert.Equal(refPost, full.Post);
        Assert.Equal(refObject, full.Object);
        Assert.Equal(names.Length, full.ObjectCount);
        for (int o = 0; o < names.Length; o++) Assert.Equal(names[o], full.ObjectName(o));
        Assert.Contains(refObject.GroupBy(o => o), g => g.Count() == 1);
        // sort keys of 1 and 4 bits: nearly every text shares its key with others, and only comparing the texts tells
        // them apart; the full hash: the same table again
        foreach (int bits in new[] { 1, 4, 64 })
        {
            var cut = ShareExtractor.FromText(ds, threads: 2, sharedOnly: false, keyBits: bits);
            Assert.Equal(refPost, cut.Post);
            Assert.Equal(refObject, cut.Object);
        }
        // shared texts only: the texts of several posts, numbered among themselves in the same order, and every post
        // with a text still counted for min participation
        var count = refObject.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        var sharedIds = new Dictionary<int, int>();
        foreach (int o in refObject) if (count[o] > 1 && !sharedIds.ContainsKey(o)) sharedIds[o] = sharedIds.Count;
        var shared = ShareExtractor.Extract(ds, Modality.Text, threads: 2, sharedTextsOnly: true);
        var keep = Enumerable.Range(0, refPost.Count).Where(i => count[refObject[i]] > 1).ToArray();
        Assert.Equal(keep.Select(i => refPost[i]), shared.Post);
        Assert.Equal(keep.Select(i => sharedIds[refObject[i]]), shared.Object);
        Assert.Equal(sharedIds.Count, shared.ObjectCount);
        foreach (var (o, s) in sharedIds) Assert.Equal(names[o], shared.ObjectName(s));
        var participation = new int[ds.Accounts.Count];
        foreach (int j in refPost) participation[ds.Posts.Account[j]]++;
        Assert.Equal(participation, shared.Participation);
        Assert.Equal(shared.Post, ShareExtractor.FromText(ds, threads: 1, sharedOnly: true, keyBits: 2).Post);
        // the same layer from both tables, min participation included: some accounts on its edges have fewer shared
        // texts than min participation asks, and are in only because their texts of one post count too
        var options = new CoShareOptions { WindowMicros = 3_600 * NetDetect.Core.Data.Time.MicrosPerSecond, MinParticipation = 2 };
        var a = CoShareBuilder.Build(full, options);
        var b = CoShareBuilder.Build(shared, options);
        Assert.True(a.EdgeCount > 20, $"{a.EdgeCount} edges");
        var sharedPosts = new int[ds.Accounts.Count];
        foreach (int j in shared.Post) sharedPosts[ds.Posts.Account[j]]++;
        Assert.Contains(a.AccountA.Concat(a.AccountB), x => sharedPosts[x] < 2);
        Assert.Equal(a.AccountA, b.AccountA);
        Assert.Equal(a.AccountB, b.AccountB);
        Assert.Equal(a.Pairs.ToArray(), b.Pairs.ToArray());
        Assert.Equal(a.PostsA.ToArray(), b.PostsA.ToArray());
        Assert.Equal(a.Evidence, b.Evidence);
        Assert.Equal(a.FirstTime.ToArray(), b.FirstTime.ToArray());
        Assert.Equal(a.TopItems.Select(t => (full.ObjectName(t.Object), t.PostA, t.PostB, t.DeltaMicros)), b.TopItems.Select(t => (shared.ObjectName(t.Object), t.PostA, t.PostB, t.DeltaMicros)));
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
