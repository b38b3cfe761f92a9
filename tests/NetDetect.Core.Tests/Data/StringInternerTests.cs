using System.Text;
using NetDetect.Core.Data;

namespace NetDetect.Core.Tests.Data;

public class StringInternerTests
{
    // ASCII, two- and three-byte characters, a surrogate pair, lone surrogates (not valid UTF-16) and U+FFFD itself,
    // which a lone surrogate must never be confused with.
    private static readonly string[] Pieces = ["a", "7", "#", "é", "ß", "香", "😀", "\uD800", "\uDC00", "\uFFFD", "x\uDBFF", ""];

    private static string RandomString(Random rng)
    {
        var sb = new StringBuilder();
        int parts = rng.Next(0, 6);
        for (int k = 0; k < parts; k++) sb.Append(Pieces[rng.Next(Pieces.Length)]);
        return sb.ToString();
    }

    [Fact]
    public void Ids_follow_first_sight_and_every_string_reads_back_exactly()
    {
        var rng = new Random(3);
        var interner = new StringInterner(4);
        var reference = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < 30_000; i++)
        {
            string s = RandomString(rng) + (rng.Next(3) == 0 ? rng.Next(5_000).ToString() : "");
            bool isNew = !reference.TryGetValue(s, out int expected);
            if (isNew)
            {
                expected = reference.Count;
                reference[s] = expected;
                order.Add(s);
            }
            Assert.Equal(expected, interner.GetOrAdd(s, out bool added));
            Assert.Equal(isNew, added);
        }
        Assert.Equal(reference.Count, interner.Count);
        for (int id = 0; id < order.Count; id++)
        {
            Assert.Equal(order[id], interner[id]);
            Assert.Equal(order[id], new string(interner.GetSpan(id)));
            Assert.Equal(id, interner.IndexOf(order[id]));
        }
        Assert.Equal(-1, interner.IndexOf("never added \uD800"));
        Assert.NotEqual(interner.IndexOf("\uD800"), interner.IndexOf("\uFFFD"));
    }

    [Fact]
    public void Utf8_bytes_find_the_id_of_the_same_string()
    {
        var interner = new StringInterner();
        string[] values = ["1100000000000000001", "zh-香港", "😀 tag", "", "ü"];
        foreach (var v in values) interner.GetOrAdd(v);
        for (int id = 0; id < values.Length; id++)
        {
            var bytes = Encoding.UTF8.GetBytes(values[id]);
            Assert.Equal(id, interner.GetOrAddUtf8(bytes, StringInterner.Hash(bytes), out bool added));
            Assert.False(added);
            Assert.Equal(id, interner.IndexOfUtf8(bytes));
            Assert.Equal(bytes, interner.GetUtf8(id).ToArray());
        }
        var fresh = Encoding.UTF8.GetBytes("néw");
        Assert.Equal(values.Length, interner.GetOrAddUtf8(fresh, StringInterner.Hash(fresh), out bool isNew));
        Assert.True(isNew);
        Assert.Equal("néw", interner[values.Length]);
    }

    [Fact]
    public void Values_longer_than_a_chunk_and_many_chunks_keep_their_bytes()
    {
        var interner = new StringInterner();
        string huge = new('h', (1 << 22) + 5);
        var values = new List<string>();
        for (int i = 0; i < 200_000; i++) values.Add("id-" + i + (i % 1000 == 0 ? "香" : ""));
        values.Insert(100_000, huge);
        foreach (var v in values) interner.GetOrAdd(v);
        Assert.Equal(values.Count, interner.Count);
        for (int id = 0; id < values.Count; id += 997) Assert.Equal(values[id], interner[id]);
        Assert.Equal(huge, interner[100_000]);
        Assert.Equal(100_002, interner.IndexOf("id-100001"));
        Assert.Equal(100_001, interner.IndexOf("id-100000香"));
        Assert.True(interner.EstimatedBytes > huge.Length);

        // A value of exactly one chunk fills it to the end; the empty value after it must not point past it.
        var exact = new StringInterner();
        string full = new('f', 1 << 22);
        Assert.Equal(0, exact.GetOrAdd("x"));
        Assert.Equal(1, exact.GetOrAdd(full));
        Assert.Equal(2, exact.GetOrAdd(""));
        Assert.Equal(3, exact.GetOrAdd("y"));
        Assert.Equal(["x", full, "", "y"], Enumerable.Range(0, 4).Select(id => exact[id]));
        Assert.Equal(2, exact.IndexOf(""));
    }

    /// <summary>Ordered mode gives the ids a plain interner gives, whether the order holds, breaks, or values repeat.</summary>
    [Theory]
    [InlineData(0)]     // ascending throughout: no table until the lookups at the end
    [InlineData(500)]   // a value out of order after 500
    [InlineData(1200)]  // a repeat of an earlier value after 1200
    public void Ordered_mode_gives_the_same_ids_as_a_plain_interner(int breakAt)
    {
        var values = new List<string>();
        for (int i = 0; i < 2000; i++) values.Add((1_100_000_000_000_000_000L + i * 4096L).ToString(System.Globalization.CultureInfo.InvariantCulture));
        values.InsertRange(0, ["7", "99", "100", "1000"]); // shorter first: numeric order across lengths
        if (breakAt == 500) values.Insert(breakAt, "5");
        if (breakAt == 1200) values.Insert(breakAt, values[300]);
        values.Add("9999999999999999999😀"); // multi-byte and longer: after everything
        var (ordered, plain) = AddToOrderedAndPlain(values);
        Assert.Equal(breakAt == 0, ordered.IsOrdered);
        Assert.Equal(plain.Count, ordered.Count);
        // Lookups from several threads at once build the table once and all agree.
        var found = new int[plain.Count];
        Parallel.For(0, plain.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, id => found[id] = ordered.IndexOf(plain[id]));
        Assert.Equal(Enumerable.Range(0, plain.Count), found);
        Assert.False(ordered.IsOrdered);
        Assert.Equal(-1, ordered.IndexOf("6"));
        Assert.Equal(plain.Count, ordered.GetOrAdd("6"));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("7", true)]
    [InlineData("1100000000000000001", true)]
    [InlineData("9223372036854775807", true)]   // long.MaxValue
    [InlineData("9223372036854775808", false)]  // one more: kept as bytes
    [InlineData("9999999999999999999", false)]
    [InlineData("10000000000000000000", false)] // 20 digits
    [InlineData("00", false)]
    [InlineData("007", false)]                  // a leading zero is part of the id
    [InlineData("-5", false)]
    [InlineData("+5", false)]
    [InlineData("12a", false)]
    [InlineData("١٢", false)]                   // Arabic-Indic digits are not ASCII digits
    [InlineData("", false)]
    public void Canonical_numbers_are_kept_as_numbers_and_everything_else_as_bytes(string value, bool number)
    {
        var interner = new StringInterner();
        // Neighbours that differ only in form must stay different ids.
        string[] around = ["7", "07", "007", "0", "00", "9223372036854775807", "9223372036854775808"];
        foreach (var v in around) interner.GetOrAdd(v);
        int id = interner.GetOrAdd(value, out bool added);
        Assert.Equal(!around.Contains(value), added);
        Assert.Equal(number, interner.IsNumber(id));
        Assert.Equal(value, interner[id]);
        Assert.Equal(value, new string(interner.GetSpan(id)));
        Assert.Equal(Encoding.UTF8.GetBytes(value), interner.GetUtf8(id).ToArray());
        Assert.Equal(id, interner.IndexOf(value));
        for (int k = 0; k < around.Length; k++)
        {
            Assert.Equal(k, interner.IndexOf(around[k]));
            Assert.Equal(around[k], interner[k]);
        }
    }

    [Fact]
    public void Numbers_and_bytes_mixed_in_ordered_mode_give_the_ids_of_a_plain_interner()
    {
        // Ascending by (length, bytes) across the two kinds, then a break back into numbers, then repeats.
        string[] values = ["5", "6a", "60", "600", "6000x", "70000", "9223372036854775807", "9223372036854775808", "99999999999999999999",
            "8", "60", "6a", "9223372036854775808", "123456789012345678"];
        var (ordered, plain) = AddToOrderedAndPlain(values);
        Assert.False(ordered.IsOrdered);
        for (int id = 0; id < plain.Count; id++)
        {
            Assert.Equal(plain[id], ordered[id]);
            Assert.Equal(id, ordered.IndexOf(plain[id]));
        }
    }

    [Fact]
    public void A_released_table_is_built_again_by_the_next_lookup_or_add_with_the_same_ids()
    {
        // out of order, numbers and text: the last value ("7") is not the largest
        var values = new[] { "900", "abc", "zzzzz", "30", "1000", "7" };
        var interner = new StringInterner(4);
        foreach (var v in values) interner.GetOrAdd(v);
        interner.ReleaseTable();
        Assert.True(interner.TableReleased);
        // by id: no table needed
        Assert.Equal("abc", interner[1]);
        Assert.True(interner.TableReleased);
        // "zzzzz" orders after the last value ("7"): taken for ordered ids it would be appended again as a new id
        Assert.Equal(2, interner.GetOrAdd("zzzzz", out bool added));
        Assert.False(added);
        Assert.False(interner.TableReleased);
        Assert.Equal(values.Length, interner.Count);
        interner.ReleaseTable();
        for (int id = 0; id < values.Length; id++) Assert.Equal(id, interner.IndexOf(values[id]));
        Assert.Equal(-1, interner.IndexOf("31"));
        interner.ReleaseTable();
        Assert.Equal(values.Length, interner.GetOrAdd("zzz", out added));
        Assert.True(added);
        Assert.Equal(values.Length, interner.IndexOf("zzz"));
    }

    /// <summary>Adds the values to an ordered-mode interner and a plain one, asserting each add gives both the same id and the same "added".</summary>
    private static (StringInterner Ordered, StringInterner Plain) AddToOrderedAndPlain(IEnumerable<string> values)
    {
        var ordered = new StringInterner(4);
        ordered.UseOrderedMode();
        var plain = new StringInterner(4);
        foreach (var v in values)
        {
            Assert.Equal(plain.GetOrAdd(v, out bool plainAdded), ordered.GetOrAdd(v, out bool orderedAdded));
            Assert.Equal(plainAdded, orderedAdded);
        }
        return (ordered, plain);
    }
}
