using System.Diagnostics;

namespace NetDetect.Core.Tests.Communities;

/// <summary>Runs a Python script against Debian's python3 packages (python3-igraph, python3-networkx) used as reference implementations.</summary>
public static class ReferencePython
{
    /// <summary>
    /// Finds a python3 that can import <paramref name="module"/>: $NETDETECT_PYTHON, then /usr/bin/python3 (Debian's,
    /// where apt installs the modules), then python3 on PATH. Fails the test with the apt command if none can.
    /// </summary>
    public static string Interpreter(string module) => Found.GetOrAdd(module, Probe);

    // One probe per module per test run: starting python to import igraph costs a second or more.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Found = new();

    private static string Probe(string module)
    {
        var candidates = new List<string>();
        var fromEnv = Environment.GetEnvironmentVariable("NETDETECT_PYTHON");
        if (!string.IsNullOrEmpty(fromEnv)) candidates.Add(fromEnv);
        candidates.Add("/usr/bin/python3");
        candidates.Add("python3");
        foreach (var python in candidates)
        {
            try
            {
                var (code, _, _) = Run(python, ["-c", $"import {module}"], TimeSpan.FromSeconds(60));
                if (code == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed at this path; try the next candidate.
            }
        }
        var package = module == "igraph" ? "python3-igraph" : "python3-" + module;
        Assert.Fail($"No python3 can import '{module}' (tried {string.Join(", ", candidates)}). " +
                    $"This reference test needs Debian's {package}: apt-get update && apt-get install -y {package}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Runs <paramref name="script"/> with arguments and returns stdout; fails the test on a non-zero exit.</summary>
    public static string RunScript(string module, string script, params string[] args)
    {
        var python = Interpreter(module);
        var scriptPath = Path.Combine(Path.GetTempPath(), "netdetect-ref-" + Guid.NewGuid().ToString("N")[..10] + ".py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var (code, stdout, stderr) = Run(python, [scriptPath, .. args], TimeSpan.FromMinutes(5));
            Assert.True(code == 0, $"reference script exited {code}:\n{stderr}");
            return stdout;
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in {timeout}.");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
