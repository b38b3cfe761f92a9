namespace NetDetect.Core.Tests.TestSupport;

/// <summary>A temporary directory removed when the test ends.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netdetect-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Where the shared datasets live: <c>../shared/data</c> beside the checkout.</summary>
public static class SharedData
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate) && System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "shared", "spec", "schema.md"))) return candidate;
                dir = dir.Parent;
            }
            throw new DirectoryNotFoundException("../shared/data not found beside the checkout");
        }
    }

    public static string File(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The repository root (the folder holding NetDetect.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "NetDetect.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("NetDetect.sln not found above the test binaries");
        }
    }
}
