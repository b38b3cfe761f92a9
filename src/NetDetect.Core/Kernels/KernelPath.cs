using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDetect.Core.Kernels;

/// <summary>Instruction-set path of a SIMD kernel; <see cref="Auto"/> picks the widest one this CPU runs well.</summary>
public enum KernelPath
{
    Auto,
    Scalar,
    Vector256,
    Vector512,
}

/// <summary>Resolves a requested <see cref="KernelPath"/> against what the running CPU supports.</summary>
public static class KernelPaths
{
    /// <summary>True when the 256-bit path has hardware FMA (x86 AVX2 + FMA3).</summary>
    public static bool Vector256Supported => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>True when the runtime reports 512-bit vectors as accelerated (AVX-512F and not throttled).</summary>
    public static bool Vector512Supported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>The best path available here.</summary>
    public static KernelPath Best => Vector512Supported ? KernelPath.Vector512
        : Vector256Supported ? KernelPath.Vector256 : KernelPath.Scalar;

    /// <summary>True when <paramref name="path"/> can run on this CPU (Auto and Scalar always can).</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Auto or KernelPath.Scalar => true,
        KernelPath.Vector256 => Vector256Supported,
        KernelPath.Vector512 => Vector512Supported,
        _ => false,
    };

    /// <summary>Maps Auto to <see cref="Best"/>; a forced path the CPU lacks is an error rather than a silent fallback,
    /// so a test that forces a path really exercises it.</summary>
    public static KernelPath Resolve(KernelPath requested)
    {
        if (requested == KernelPath.Auto) return Best;
        if (!IsSupported(requested))
            throw new NotSupportedException($"Kernel path {requested} is not supported on this CPU (best available: {Best}).");
        return requested;
    }

    /// <summary>Thread count to use: <paramref name="requested"/> when positive, otherwise the processor count.</summary>
    internal static int Threads(int requested) => requested > 0 ? requested : Environment.ProcessorCount;
}
