using System.Text;
using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Data;

public class Utf8IdCacheTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Answers_the_id_it_was_given_for_the_same_bytes_only()
    {
        var cache = new Utf8IdCache();
        Assert.Equal(-1, cache.Find(U("tag1"), out uint h1));
        cache.Add(U("tag1"), h1, 7);
        Assert.Equal(-1, cache.Find(U(""), out uint h0));
        cache.Add(U(""), h0, 3);
        Assert.Equal(-1, cache.Find(U("港"), out uint h2));
        cache.Add(U("港"), h2, 0);

        Assert.Equal(7, cache.Find(U("tag1"), out _));
        Assert.Equal(3, cache.Find(U(""), out _));
        Assert.Equal(0, cache.Find(U("港"), out _));
        // same length, same prefix, one byte apart; a prefix; an extension
        Assert.Equal(-1, cache.Find(U("tag2"), out _));
        Assert.Equal(-1, cache.Find(U("tag"), out _));
        Assert.Equal(-1, cache.Find(U("tag10"), out _));
    }

    [Fact]
    public void Keeps_every_entry_through_growth()
    {
        var cache = new Utf8IdCache();
        const int n = 50_000;
        for (int i = 0; i < n; i++)
        {
            var v = U("https://example.org/a/" + i);
            Assert.Equal(-1, cache.Find(v, out uint h));
            cache.Add(v, h, i);
        }
        for (int i = n - 1; i >= 0; i--) Assert.Equal(i, cache.Find(U("https://example.org/a/" + i), out _));
        Assert.Equal(-1, cache.Find(U("https://example.org/a/" + n), out _));
    }

    [Fact]
    public void Prefetching_never_changes_an_answer()
    {
        var cache = new Utf8IdCache();
        for (int i = 0; i < 1000; i++)
        {
            var v = U("v" + i);
            uint h = Utf8IdCache.Hash(v);
            cache.PrefetchSlot(h);
            cache.PrefetchValue(h);
            Assert.Equal(-1, cache.Find(v, h));
            cache.Add(v, h, i);
        }
        for (int i = 0; i < 1000; i++)
        {
            var v = U("v" + i);
            uint h = Utf8IdCache.Hash(v);
            cache.PrefetchValue(h);
            Assert.Equal(i, cache.Find(v, h));
        }
    }

    [Fact]
    public void Long_values_and_negative_ids_are_not_kept()
    {
        var cache = new Utf8IdCache();
        var longValue = U(new string('x', 1000));
        cache.Find(longValue, out uint h);
        cache.Add(longValue, h, 5);
        Assert.Equal(-1, cache.Find(longValue, out _));
        var empty = U("");
        cache.Find(empty, out uint he);
        cache.Add(empty, he, -1);
        Assert.Equal(-1, cache.Find(empty, out _));
    }

    [Fact]
    public void Stops_growing_at_its_limit_and_keeps_answering()
    {
        var cache = new Utf8IdCache();
        // 200-byte values: the cache fills up well before all of them fit.
        int n = (int)(Utf8IdCache.MaxBytes / 200) + 1000;
        var prefix = new string('p', 190);
        for (int i = 0; i < n; i++)
        {
            var v = U(prefix + i.ToString("D9"));
            cache.Find(v, out uint h);
            cache.Add(v, h, i);
        }
        Assert.Equal(0, cache.Find(U(prefix + 0.ToString("D9")), out _));
        Assert.Equal(-1, cache.Find(U(prefix + (n - 1).ToString("D9")), out _));
    }
}
