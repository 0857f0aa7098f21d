package org.equivariant4j.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link TorchGenerator} against values printed by PyTorch 1.13 (CPU, {@code torch.manual_seed}). */
class TorchGeneratorTest {
    /** {@code torch.empty(n).uniform_(-bound, bound)} after {@code before}, on a generator seeded {@code seed}. */
    private static float[] uniform(long seed, Consumer<TorchGenerator> before, int n, double bound) {
        TorchGenerator g = new TorchGenerator(seed);
        before.accept(g);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = g.uniformFloat32(-bound, bound);
        }
        return v;
    }

    @Test
    void uniformIsTorchsUniformBitForBit() {
        assertArrayEquals(new float[] {0.7645385265350342f, 0.8300079107284546f, -0.23427248001098633f, 0.9186112880706787f},
                uniform(42, g -> { }, 4, 1.0));
        // a bound that is not a power of 2: torch rounds u·(to − from) + from once (fused multiply-add); rounding the
        // product first differs in about half of these
        float[] want = {0.006125818472355604f, -0.05283341556787491f, 0.02792757749557495f, 0.027520373463630676f,
            -0.04687672108411789f, -0.013145098462700844f, -0.05138050764799118f, 0.022757261991500854f,
            -0.02362510934472084f, 0.06161654368042946f, 0.06226114556193352f, 0.00893462635576725f, -0.03739091008901596f,
            -0.05151498317718506f, -0.009631820023059845f, -0.024682875722646713f, 0.038657281547784805f,
            -0.07489164173603058f, 0.08242934942245483f, -0.06879878789186478f, 0.06716117262840271f,
            -0.01523051131516695f, 0.04511488974094391f, 0.034178514033555984f, 0.0036713737063109875f,
            0.01635383442044258f, 0.06660451740026474f, 0.022556018084287643f, 0.04653208330273628f,
            -0.06784559786319733f, 0.06243651360273361f, 0.030185628682374954f, 0.022215979173779488f, 0.012116146273911f,
            0.04275355115532875f, 0.08055191487073898f, -0.019515948370099068f, -0.04886152222752571f,
            -0.02206641621887684f, -0.053455255925655365f};
        assertArrayEquals(want, uniform(7, g -> { }, want.length, 0.08770580193070293), 0f);
    }

    /** randn(n) advances the stream as torch's: vectorised fill for n ≥ 16, cached pairs below. */
    @Test
    void skippingRandnLeavesTorchsStream() {
        assertArrayEquals(new float[] {-0.516425371170044f, -0.6817117929458618f}, uniform(42, g -> g.skipRandnFloat32(80), 2,
                1.0));
        assertArrayEquals(new float[] {0.8205388784408569f, 0.28803133964538574f}, uniform(42, g -> g.skipRandnFloat32(37), 2,
                1.0));
        float[] afterFive = {0.7388088703155518f, 0.13543057441711426f};
        assertArrayEquals(afterFive, uniform(42, g -> g.skipRandnFloat32(5), 2, 1.0));
        assertArrayEquals(afterFive, uniform(42, g -> g.skipRandnFloat32(6), 2, 1.0));
        // randn(5) keeps its third pair's second value; randn(3) takes it, then draws one more pair
        assertArrayEquals(new float[] {0.7708858251571655f, 0.14780890941619873f}, uniform(42, g -> {
            g.skipRandnFloat32(5);
            g.skipRandnFloat32(3);
        }, 2, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new TorchGenerator(0).skipRandnFloat32(-1));
    }

    /** {@code torch.randn(n, generator=torch.Generator().manual_seed(0), dtype=torch.float64)}. */
    @Test
    void randnFloat64IsTorchsBitForBit() {
        double[] z = new TorchGenerator(0).randnFloat64(1_000_000);
        assertArrayEquals(new double[] {-2.310411800234176, -0.3732508612577643, -1.0608166785462863, 0.9995093547811761,
            -0.8840250045832653}, Arrays.copyOf(z, 5), 0.0);
        assertEquals(-1.522996864040318, z[z.length - 1], 0.0);
        assertThrows(IllegalArgumentException.class, () -> new TorchGenerator(0).randnFloat64(15));
    }

    @Test
    void copiesDrawTheSameAndIndependently() {
        TorchGenerator g = new TorchGenerator(3);
        g.skipRandnFloat32(5);
        TorchGenerator c = g.copy();
        float a = g.uniformFloat32(-1, 1);
        assertEquals(a, c.uniformFloat32(-1, 1));
        assertEquals(g.uniformFloat32(-1, 1), c.uniformFloat32(-1, 1));
    }
}
