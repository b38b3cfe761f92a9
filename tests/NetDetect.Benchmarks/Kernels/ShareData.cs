namespace NetDetect.Benchmarks.Kernels;

/// <summary>Synthetic co-retweet data: heavy-tailed (log-normal) activity per account, popularity
/// P(rank r) ∝ 1/(r + 100) over objects (a Zipf tail whose most popular object reaches a few percent of the
/// accounts, as a viral post does in a collection), and planted groups of 40 accounts that repost the same 60
/// objects (the coordination to be found).</summary>
public static class ShareData
{
    public static (int[] Account, int[] Object) CoRetweets(int accounts, int objects, double meanShares, int seed)
    {
        var rng = new Random(seed);
        var acc = new List<int>((int)(accounts * meanShares * 1.1));
        var obj = new List<int>(acc.Capacity);
        const double r0 = 100;
        double logSpan = Math.Log((objects + r0) / r0);
        int[] group = new int[60];
        for (int a = 0; a < accounts; a++)
        {
            if (a % 2000 < 40)
            {
                if (a % 2000 == 0)
                    for (int g = 0; g < group.Length; g++) group[g] = rng.Next(objects);
                foreach (int o in group) if (rng.Next(10) != 0) { acc.Add(a); obj.Add(o); }
            }
            // log-normal activity with the requested mean (sigma 1)
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            int m = Math.Max(1, (int)(meanShares * Math.Exp(z - 0.5)));
            for (int s = 0; s < m; s++)
            {
                int o = (int)(r0 * Math.Exp(rng.NextDouble() * logSpan) - r0); // inverse CDF of 1/(r + r0)
                acc.Add(a);
                obj.Add(Math.Min(objects - 1, o));
            }
        }
        return ([.. acc], [.. obj]);
    }

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "do", "gu", "ha", "ji", "pe", "ze", "xo"];

    /// <summary>Tweet-like texts: 8-35 words from a 50,000-word Zipf vocabulary; a tenth of them are variants of
    /// 2,000 templates with up to three words changed (copy-pasta).</summary>
    public static string[] Texts(int count, int seed)
    {
        var rng = new Random(seed);
        var vocab = new string[50_000];
        for (int i = 0; i < vocab.Length; i++)
        {
            int x = i + 1;
            var sb = new System.Text.StringBuilder();
            while (x > 0) { sb.Append(Syllables[x % 16]); x /= 16; }
            vocab[i] = sb.ToString();
        }
        double logV = Math.Log(vocab.Length);
        string Word() => vocab[Math.Min(vocab.Length - 1, (int)Math.Exp(rng.NextDouble() * logV) - 1)];
        var templates = new string[2000][];
        for (int t = 0; t < templates.Length; t++) templates[t] = Enumerable.Range(0, rng.Next(12, 35)).Select(_ => Word()).ToArray();
        var texts = new string[count];
        for (int i = 0; i < count; i++)
        {
            if (rng.Next(10) == 0)
            {
                var w = (string[])templates[rng.Next(templates.Length)].Clone();
                for (int e = rng.Next(4); e > 0; e--) w[rng.Next(w.Length)] = Word();
                texts[i] = string.Join(' ', w);
            }
            else
            {
                texts[i] = string.Join(' ', Enumerable.Range(0, rng.Next(8, 36)).Select(_ => Word()));
            }
        }
        return texts;
    }
}
