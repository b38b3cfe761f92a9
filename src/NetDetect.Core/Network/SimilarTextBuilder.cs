using NetDetect.Core.Data;
using NetDetect.Core.Kernels;

namespace NetDetect.Core.Network;

/// <summary>
/// Shares of the <c>similar_text</c> modality: original posts whose word-shingle sets are near duplicates
/// (exact Jaccard ≥ the threshold, default 0.8) share one object. Candidates come from the kernels' MinHash/LSH,
/// every candidate is verified exactly, and no all-pairs comparison is made.
/// </summary>
/// <remarks>
/// The object of a post is its near-duplicate cluster: posts with identical shingle sets, joined by single
/// linkage along verified pairs. The co-share sweep then pairs posts of one cluster within the window, so two
/// accounts that post the same lightly edited text minutes apart co-act exactly as two reposters of one post.
/// </remarks>
public static class SimilarTextBuilder
{
    public static ShareTable Extract(Dataset dataset, MinHashOptions? options = null, CancellationToken cancellationToken = default)
    {
        var posts = dataset.Posts;
        // originals with text; text is compared as the text modality normalises it
        var docPost = new List<int>();
        var docs = new List<string>();
        var buffer = new char[256];
        for (int j = 0; j < posts.Count; j++)
        {
            int len = TextNormalizer.NormalizeOriginal(posts, j, ref buffer);
            if (len == 0) continue;
            docPost.Add(j);
            docs.Add(new string(buffer, 0, len));
        }
        var found = MinHashNearDuplicates.Find(docs.Count, i => docs[i], options, cancellationToken: cancellationToken);

        // union-find over documents: same representative, or a verified near-duplicate pair
        var parent = new int[docs.Count];
        for (int i = 0; i < parent.Length; i++) parent[i] = found.Representative[i] >= 0 ? found.Representative[i] : i;
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        for (int p = 0; p < found.Pairs.Count; p++)
        {
            int a = Find(found.Pairs.Left[p]), b = Find(found.Pairs.Right[p]);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }
        var size = new int[docs.Count];
        for (int i = 0; i < docs.Count; i++) if (found.Representative[i] >= 0) size[Find(i)]++;
        // dense object ids for clusters of two or more posts, numbered by their smallest document
        var objectOf = new int[docs.Count];
        Array.Fill(objectOf, -1);
        var objectDoc = new List<int>();
        for (int i = 0; i < docs.Count; i++)
        {
            if (found.Representative[i] < 0) continue;
            int root = Find(i);
            if (size[root] < 2) continue;
            if (objectOf[root] < 0) { objectOf[root] = objectDoc.Count; objectDoc.Add(root); }
        }
        var obj = new List<int>(); var acc = new List<int>(); var time = new List<long>(); var post = new List<int>();
        for (int i = 0; i < docs.Count; i++)
        {
            if (found.Representative[i] < 0) continue;
            int o = objectOf[Find(i)];
            if (o < 0) continue;
            int j = docPost[i];
            obj.Add(o); acc.Add(posts.Account[j]); time.Add(posts.CreatedAt[j]); post.Add(j);
        }
        var accounts = dataset.Accounts.Ids;
        var ids = posts.Ids;
        var names = objectDoc.Select(d => docs[d]).ToArray();
        return new ShareTable
        {
            Modality = Modality.SimilarText,
            Object = [.. obj],
            Account = [.. acc],
            Time = [.. time],
            Post = [.. post],
            ObjectCount = objectDoc.Count,
            AccountCount = dataset.Accounts.Count,
            PostAccount = posts.Account,
            PostTime = posts.CreatedAt,
            TimeResolutionMicros = dataset.TimeResolutionMicros,
            ObjectName = o => names[o],
            AccountName = i => accounts[i],
            PostName = i => ids[i],
        };
    }
}
