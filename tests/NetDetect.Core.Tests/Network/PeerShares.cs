using System.Globalization;
using NetDetect.Core.Data;
using NetDetect.Core.Network;

namespace NetDetect.Core.Tests.Network;

/// <summary>
/// Reads the peers' own share tables straight into a <see cref="ShareTable"/> (one share per CSV row), so the
/// compatible modes can be checked on the peers' files independently of the importers.
/// </summary>
internal static class PeerShares
{
    /// <summary>CooRTweet long format: object_id, account_id, content_id, timestamp_share (s). Every row is a share; a content id is a post.</summary>
    public static ShareTable CooRTweet(string path)
    {
        var rows = ReadCsv(path);
        var h = rows[0];
        int io = Array.IndexOf(h, "object_id"), ia = Array.IndexOf(h, "account_id"), ic = Array.IndexOf(h, "content_id"), it = Array.IndexOf(h, "timestamp_share");
        var b = new Builder();
        foreach (var r in rows.Skip(1)) b.Add(r[io], r[ia], r[ic], long.Parse(r[it], CultureInfo.InvariantCulture) * Time.MicrosPerSecond);
        return b.Build(Modality.Repost, Time.MicrosPerSecond);
    }

    /// <summary>QUT toolkit CSV: message_id, user_id, ..., repost_id, ..., timestamp (s); reposts only.</summary>
    public static ShareTable Qut(string path)
    {
        var rows = ReadCsv(path);
        var h = rows[0];
        int im = Array.IndexOf(h, "message_id"), iu = Array.IndexOf(h, "user_id"), ir = Array.IndexOf(h, "repost_id"), it = Array.IndexOf(h, "timestamp");
        var b = new Builder();
        foreach (var r in rows.Skip(1))
            if (r[ir].Length > 0) b.Add(r[ir], r[iu], r[im], long.Parse(r[it], CultureInfo.InvariantCulture) * Time.MicrosPerSecond);
        return b.Build(Modality.Repost, Time.MicrosPerSecond);
    }

    internal sealed class Builder
    {
        private readonly Dictionary<string, int> _objects = [], _accounts = [], _posts = [];
        private readonly List<string> _objectNames = [], _accountNames = [], _postNames = [];
        private readonly List<int> _o = [], _a = [], _p = [], _postAccount = [];
        private readonly List<long> _t = [];

        public void Add(string obj, string account, string post, long micros)
        {
            int a = Id(_accounts, _accountNames, account);
            int p = Id(_posts, _postNames, post);
            if (p == _postAccount.Count) _postAccount.Add(a);
            _o.Add(Id(_objects, _objectNames, obj));
            _a.Add(a);
            _p.Add(p);
            _t.Add(micros);
        }

        public ShareTable Build(Modality modality, long resolution) => ShareTable.FromColumns(modality, [.. _o], [.. _a], [.. _t], [.. _p],
            _objectNames.Count, _accountNames.Count, [.. _postAccount], i => _objectNames[i], i => _accountNames[i], i => _postNames[i], resolution);

        private static int Id(Dictionary<string, int> map, List<string> names, string key)
        {
            if (map.TryGetValue(key, out int id)) return id;
            map[key] = names.Count;
            names.Add(key);
            return names.Count - 1;
        }
    }

    // The peers' files are plain CSV; quoted fields hold no newlines or commas that matter here except the QUT message.
    private static List<string[]> ReadCsv(string path)
    {
        var result = new List<string[]>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.TrimStart('\uFEFF');
            if (line.Length == 0) continue;
            var fields = new List<string>();
            var sb = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else sb.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
                else sb.Append(c);
            }
            fields.Add(sb.ToString());
            result.Add([.. fields]);
        }
        return result;
    }
}
