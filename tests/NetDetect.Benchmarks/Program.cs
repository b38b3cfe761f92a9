using BenchmarkDotNet.Running;

// First argument picks a hand-timed mode; anything else goes to BenchmarkDotNet.
return args.Length > 0 && args[0] == "kernels" ? await NetDetect.Benchmarks.Kernels.KernelsBench.RunAsync(args[1..])
    : args.Length > 0 && args[0] == "network" ? NetDetect.Benchmarks.Network.NetworkBench.Run(args[1..])
    : args.Length > 0 && args[0] == "communities" ? NetDetect.Benchmarks.Communities.CommunitiesBench.Run(args[1..])
    : RunBenchmarkDotNet(args);

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
