namespace NetDetect.Core.Simulation;

/// <summary>The content of one post before it gets an id, author and time; absent parts are <c>default</c>.</summary>
internal struct PostContent
{
    public ReadOnlyMemory<char> Text;
    public ReadOnlyMemory<char> Language;
    public ReadOnlyMemory<char> Tag1;
    public ReadOnlyMemory<char> Tag2;
    public ReadOnlyMemory<char> Url;
    public ReadOnlyMemory<char> Domain;
    public ReadOnlyMemory<char> Mention;
    public ReadOnlyMemory<char> Media;
}

/// <summary>Writes post texts and entities from the vocabulary; every choice comes from the caller's seeded generator.</summary>
internal static class TextMaker
{
    /// <summary>An organic post of a community: its words, sometimes a hashtag, link, mention or picture.</summary>
    public static PostContent Organic(ref SimRandom rng, CharBuilder sb, CharArena arena, Community c, string language, string? mention)
    {
        sb.Clear();
        var words = c.Archetype.Words;
        int n = 4 + rng.Next(8);
        for (int k = 0; k < n; k++)
        {
            if (k > 0) sb.Append(' ');
            sb.Append(rng.Chance(0.6) ? words[rng.Next(words.Length)] : Vocabulary.FillerWords[rng.Next(Vocabulary.FillerWords.Length)]);
        }
        var content = new PostContent { Language = language.AsMemory() };
        if (mention is not null && rng.Chance(0.1))
        {
            sb.Append(" @").Append(mention);
            content.Mention = mention.AsMemory();
        }
        if (rng.Chance(0.25))
        {
            // Zipf-like: the first hashtags of a community are its popular ones
            string tag = c.Hashtags[Math.Min(c.Hashtags.Length - 1, (int)rng.Exponential(1.5))];
            sb.Append(" #").Append(tag);
            content.Tag1 = tag.AsMemory();
        }
        if (rng.Chance(0.15))
        {
            string domain = c.Domains[Math.Min(c.Domains.Length - 1, (int)rng.Exponential(1.2))];
            sb.Append(' ');
            int start = sb.Length;
            AppendUrl(sb, domain, rng.Next(1_000_000));
            content.Url = arena.Add(sb.Span[start..]);
            content.Domain = domain.AsMemory();
        }
        content.Text = arena.Add(sb.Span);
        if (rng.Chance(0.08)) content.Media = Picture(ref rng, sb, arena);
        return content;
    }

    /// <summary>A templated near-duplicate of an operation: a template, two slot fillers, a tail, the current hashtag wave.</summary>
    public static PostContent Operation(ref SimRandom rng, CharBuilder sb, CharArena arena, Operation op, int day, bool withLink, bool withMedia)
    {
        sb.Clear();
        // careful operations vary their wording more: more templates in play
        int templates = Math.Max(2, (int)Math.Round(Vocabulary.OperationTemplates.Length * (0.3 + 0.7 * op.Care)));
        string template = Vocabulary.OperationTemplates[(op.Index + rng.Next(templates)) % Vocabulary.OperationTemplates.Length];
        string target = Vocabulary.OperationTargets[rng.Next(Vocabulary.OperationTargets.Length)];
        string place = Vocabulary.OperationPlaces[rng.Next(Vocabulary.OperationPlaces.Length)];
        string tail = Vocabulary.OperationTails[rng.Next(Vocabulary.OperationTails.Length)];
        sb.AppendTemplate(template, target, place, tail);
        var content = new PostContent { Language = "zh-cn".AsMemory() };
        // hashtag waves: every two days the operation pushes another pair of its hashtags
        int wave = Math.Max(0, day) / 2;
        string t1 = op.Hashtags[(wave * 2) % op.Hashtags.Length];
        string t2 = op.Hashtags[(wave * 2 + 1) % op.Hashtags.Length];
        if (rng.Chance(0.75 - 0.4 * op.Care))
        {
            sb.Append(" #").Append(t1).Append(" #").Append(t2);
            content.Tag1 = t1.AsMemory();
            content.Tag2 = t2.AsMemory();
        }
        else if (rng.Chance(0.5))
        {
            sb.Append(" #").Append(t1);
            content.Tag1 = t1.AsMemory();
        }
        if (withLink)
        {
            string domain = op.Domains[rng.Next(op.Domains.Length)];
            sb.Append(' ');
            int start = sb.Length;
            AppendUrl(sb, domain, rng.Next(5_000));
            content.Url = arena.Add(sb.Span[start..]);
            content.Domain = domain.AsMemory();
        }
        if (withMedia) content.Media = op.Media[rng.Next(op.Media.Length)].AsMemory();
        content.Text = arena.Add(sb.Span);
        return content;
    }

    /// <summary>A fresh picture id (a perceptual-hash-like hex string) nobody else posts.</summary>
    public static ReadOnlyMemory<char> Picture(ref SimRandom rng, CharBuilder sb, CharArena arena)
    {
        int start = sb.Length;
        sb.Append("ph").AppendHex(rng.NextULong());
        var id = arena.Add(sb.Span[start..]);
        return id;
    }

    public static CharBuilder AppendUrl(CharBuilder sb, string domain, long n) => sb.Append("https://").Append(domain).Append("/a/").Append(n);

    public static string Url(string domain, long n) => "https://" + domain + "/a/" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
