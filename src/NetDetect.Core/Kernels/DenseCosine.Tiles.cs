using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDetect.Core.Kernels;

// The micro-kernels: an MR x W block of accumulators stays in registers while the k loop streams one k-step of an
// MR-row panel (broadcast) and a W-column panel (vector loads), as in a GEMM outer-product kernel. Each lane is the
// sequential fma chain over k, so every path computes bit-identical scores. Unrolled by hand so the JIT keeps
// every accumulator in a register.
public sealed partial class DenseCosine
{
    internal const int Mr512 = 12, W512 = 32;
    internal const int Mr256 = 6, W256 = 16;
    internal const int MrScalar = 4, WScalar = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile512<TSink>(float* a, float* b, int d, float* thr, float* scratch, int i0, int j0, ref TSink sink)
        where TSink : struct, ITileSink
    {
        Vector512<float> c0_0 = Vector512<float>.Zero, c0_1 = Vector512<float>.Zero;
        Vector512<float> c1_0 = Vector512<float>.Zero, c1_1 = Vector512<float>.Zero;
        Vector512<float> c2_0 = Vector512<float>.Zero, c2_1 = Vector512<float>.Zero;
        Vector512<float> c3_0 = Vector512<float>.Zero, c3_1 = Vector512<float>.Zero;
        Vector512<float> c4_0 = Vector512<float>.Zero, c4_1 = Vector512<float>.Zero;
        Vector512<float> c5_0 = Vector512<float>.Zero, c5_1 = Vector512<float>.Zero;
        Vector512<float> c6_0 = Vector512<float>.Zero, c6_1 = Vector512<float>.Zero;
        Vector512<float> c7_0 = Vector512<float>.Zero, c7_1 = Vector512<float>.Zero;
        Vector512<float> c8_0 = Vector512<float>.Zero, c8_1 = Vector512<float>.Zero;
        Vector512<float> c9_0 = Vector512<float>.Zero, c9_1 = Vector512<float>.Zero;
        Vector512<float> c10_0 = Vector512<float>.Zero, c10_1 = Vector512<float>.Zero;
        Vector512<float> c11_0 = Vector512<float>.Zero, c11_1 = Vector512<float>.Zero;
        for (int k = 0; k < d; k++, a += 12, b += 32)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
            c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
            c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0);
            c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Vector512.FusedMultiplyAdd(a9, b0, c9_0);
            c9_1 = Vector512.FusedMultiplyAdd(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0);
            c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0);
            c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
        }
        // one compare per row on the lane-wise max; the scan is out of the hot path
        var hit = Vector512.GreaterThanOrEqual(Vector512.MaxNative(c0_0, c0_1), Vector512.Create(thr[0]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c1_0, c1_1), Vector512.Create(thr[1]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c2_0, c2_1), Vector512.Create(thr[2]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c3_0, c3_1), Vector512.Create(thr[3]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c4_0, c4_1), Vector512.Create(thr[4]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c5_0, c5_1), Vector512.Create(thr[5]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c6_0, c6_1), Vector512.Create(thr[6]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c7_0, c7_1), Vector512.Create(thr[7]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c8_0, c8_1), Vector512.Create(thr[8]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c9_0, c9_1), Vector512.Create(thr[9]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c10_0, c10_1), Vector512.Create(thr[10]))
            | Vector512.GreaterThanOrEqual(Vector512.MaxNative(c11_0, c11_1), Vector512.Create(thr[11]));
        if (hit == Vector512<float>.Zero) return;
        c0_0.Store(scratch + 0);
        c0_1.Store(scratch + 16);
        c1_0.Store(scratch + 32);
        c1_1.Store(scratch + 48);
        c2_0.Store(scratch + 64);
        c2_1.Store(scratch + 80);
        c3_0.Store(scratch + 96);
        c3_1.Store(scratch + 112);
        c4_0.Store(scratch + 128);
        c4_1.Store(scratch + 144);
        c5_0.Store(scratch + 160);
        c5_1.Store(scratch + 176);
        c6_0.Store(scratch + 192);
        c6_1.Store(scratch + 208);
        c7_0.Store(scratch + 224);
        c7_1.Store(scratch + 240);
        c8_0.Store(scratch + 256);
        c8_1.Store(scratch + 272);
        c9_0.Store(scratch + 288);
        c9_1.Store(scratch + 304);
        c10_0.Store(scratch + 320);
        c10_1.Store(scratch + 336);
        c11_0.Store(scratch + 352);
        c11_1.Store(scratch + 368);
        sink.Scan(scratch, 12, 32, i0, j0, thr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile256<TSink>(float* a, float* b, int d, float* thr, float* scratch, int i0, int j0, ref TSink sink)
        where TSink : struct, ITileSink
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        for (int k = 0; k < d; k++, a += 6, b += 16)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
        }
        // one compare per row on the lane-wise max; the scan is out of the hot path
        var hit = Vector256.GreaterThanOrEqual(Vector256.MaxNative(c00, c01), Vector256.Create(thr[0]))
            | Vector256.GreaterThanOrEqual(Vector256.MaxNative(c10, c11), Vector256.Create(thr[1]))
            | Vector256.GreaterThanOrEqual(Vector256.MaxNative(c20, c21), Vector256.Create(thr[2]))
            | Vector256.GreaterThanOrEqual(Vector256.MaxNative(c30, c31), Vector256.Create(thr[3]))
            | Vector256.GreaterThanOrEqual(Vector256.MaxNative(c40, c41), Vector256.Create(thr[4]))
            | Vector256.GreaterThanOrEqual(Vector256.MaxNative(c50, c51), Vector256.Create(thr[5]));
        if (hit == Vector256<float>.Zero) return;
        c00.Store(scratch + 0);
        c01.Store(scratch + 8);
        c10.Store(scratch + 16);
        c11.Store(scratch + 24);
        c20.Store(scratch + 32);
        c21.Store(scratch + 40);
        c30.Store(scratch + 48);
        c31.Store(scratch + 56);
        c40.Store(scratch + 64);
        c41.Store(scratch + 72);
        c50.Store(scratch + 80);
        c51.Store(scratch + 88);
        sink.Scan(scratch, 6, 16, i0, j0, thr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileScalar<TSink>(float* a, float* b, int d, float* thr, float* scratch, int i0, int j0, ref TSink sink)
        where TSink : struct, ITileSink
    {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k = 0; k < d; k++, a += 4, b += 4)
        {
            float b0 = b[0];
            float b1 = b[1];
            float b2 = b[2];
            float b3 = b[3];
            float a0 = a[0];
            c00 = MathF.FusedMultiplyAdd(a0, b0, c00); c01 = MathF.FusedMultiplyAdd(a0, b1, c01); c02 = MathF.FusedMultiplyAdd(a0, b2, c02); c03 = MathF.FusedMultiplyAdd(a0, b3, c03);
            float a1 = a[1];
            c10 = MathF.FusedMultiplyAdd(a1, b0, c10); c11 = MathF.FusedMultiplyAdd(a1, b1, c11); c12 = MathF.FusedMultiplyAdd(a1, b2, c12); c13 = MathF.FusedMultiplyAdd(a1, b3, c13);
            float a2 = a[2];
            c20 = MathF.FusedMultiplyAdd(a2, b0, c20); c21 = MathF.FusedMultiplyAdd(a2, b1, c21); c22 = MathF.FusedMultiplyAdd(a2, b2, c22); c23 = MathF.FusedMultiplyAdd(a2, b3, c23);
            float a3 = a[3];
            c30 = MathF.FusedMultiplyAdd(a3, b0, c30); c31 = MathF.FusedMultiplyAdd(a3, b1, c31); c32 = MathF.FusedMultiplyAdd(a3, b2, c32); c33 = MathF.FusedMultiplyAdd(a3, b3, c33);
        }
        scratch[0] = c00; scratch[1] = c01; scratch[2] = c02; scratch[3] = c03;
        scratch[4] = c10; scratch[5] = c11; scratch[6] = c12; scratch[7] = c13;
        scratch[8] = c20; scratch[9] = c21; scratch[10] = c22; scratch[11] = c23;
        scratch[12] = c30; scratch[13] = c31; scratch[14] = c32; scratch[15] = c33;
        bool hit = false;
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                hit |= scratch[r * 4 + c] >= thr[r];
        if (hit) sink.Scan(scratch, 4, 4, i0, j0, thr);
    }
}
