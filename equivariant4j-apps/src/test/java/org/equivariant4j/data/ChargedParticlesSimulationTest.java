package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.data.ChargedParticlesSimulation.Config;
import org.equivariant4j.data.ChargedParticlesSimulation.InitialState;
import org.equivariant4j.data.ChargedParticlesSimulation.Trajectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator against an independent numpy implementation of the spec (egnn-segnn-data.md §1.2–1.4), run once with
 * numpy 2.4.6 / OpenBLAS 0.3.31 on x86-64 (FMA) and glibc 2.36: {@code np.random.seed(43)}, then per simulation
 * {@code q = choice([-1., 0., 1.], size=(5, 1), p=[.5, 0, .5]); x = randn(3, 5) * 1.0; v = randn(3, 5);
 * v = v * 0.5 / sqrt((v**2).sum(0))}, the per-simulation integration loop of the original (with {@code _l2},
 * {@code np.power(., 1.5)}, {@code fill_diagonal}, the (3, 5, 5) product summed over the last axis, clipping), then
 * {@code randn(49, 3, 5)} twice; train (10 000), valid (2 000), test (2 000) in that order. Values printed with repr.
 */
class ChargedParticlesSimulationTest {

    // train sim 0, valid sim 0, test sim 0 of the seed-43 stream with 10000 / 2000 / 2000 sims: charges, x0, v0
    static final double[] TRAIN0_Q = {-1, 1, -1, -1, -1};
    static final double[] TRAIN0_X0 = {0.406094210414111, 0.8780990348347582, -0.4713833167038588,
        0.04119692074890438, -0.67025794292186, 1.4914010444010783, -0.631228322864457, 0.7763725474579257,
        -0.46880013538838006, -1.376495997664468, -0.5188505063060542, -0.2253957757156569, 0.20821626314756758,
        0.20480637874638702, -0.08190336061730151};
    static final double[] TRAIN0_V0 = {0.36757418167112893, -0.030984009835295517, 0.18349444978848256,
        -0.10273042221152087, 0.3218800852344951, -0.33604761322279314, 0.2662676891551326, -0.46472332946991585,
        0.4554096857207368, 0.18874034133545975, 0.04428569313067078, -0.42206813294361845, 0.019026664006548934,
        0.179020888457136, -0.3328217154604074};
    static final double[] TRAIN1_Q = {1, -1, 1, 1, 1};
    static final double[] TRAIN1_X0 = {-2.377089034562223, 1.714274101834658, 0.6772201183258059,
        -0.6972574483138438, -0.23199757817803143, -0.06028759920091668, 0.9291452880097223, 1.216025552211608,
        1.1486842260267391, 0.8507726399017626, -1.0849105091012148, 0.7603311992864765, 0.47206112437526854,
        -0.10102083913531504, -0.08744445030489828};
    static final double[] TRAIN1_V0 = {0.25868399510135154, 0.22935599413792718, 0.007115442331163813,
        -0.31834417643431845, -0.33849739615913993, -0.40673446806985614, -0.008809909760776774,
        0.14681420908318557, 0.1231516346978767, 0.29358205570314366, 0.13285203484454092, -0.4442051479249313,
        0.47790685127094645, 0.3653637368453474, 0.2218762929260324};
    static final double[] VALID0_Q = {-1, 1, -1, -1, -1};
    static final double[] VALID0_X0 = {0.08943662217299271, 1.7417451899542415, 0.396396590291501,
        1.4944820700973946, -0.14407845414254694, 1.4013793137028039, 0.9078040641085006, 0.8909551832065103,
        2.163729066454106, -0.16796344890975423, -0.22226613119324323, -0.06128594917498003, -1.873083027602343,
        0.003414397590973141, -0.6375011258508944};
    static final double[] VALID0_V0 = {-0.24725910844258278, -0.06527633332555534, 0.2104318648606763,
        -0.3962920103137989, 0.21357520182970802, -0.08954639262508189, -0.30847296838568733, 0.1095382897264971,
        0.26862650333400506, 0.14199994937934216, -0.4252580121056084, 0.38805080605881204, -0.4401361077383359,
        0.14419585385160588, -0.42921049327767336};
    static final double[] TEST0_Q = {1, 1, -1, -1, 1};
    static final double[] TEST0_X0 = {0.9836382618806896, 0.5731435689536315, 1.618939513030841,
        1.4328677791567717, -1.3934132852586842, 1.4708538889023985, -0.9406377065895833, -0.1441342072768732,
        -0.07430579495819868, 0.2745390095609161, 1.0787517921653302, -0.5091855094928398, 0.1441288061297545,
        1.675709518493866, 0.844317979970156};
    static final double[] TEST0_V0 = {0.204167580904165, -0.14491511387240774, 0.12128605579793501,
        0.263991623020674, -0.20770307451848374, 0.09091247184890992, -0.10192810950165586, 0.4258947867136228,
        0.10412037188758679, 0.40441659968823407, -0.44727007654219664, -0.4675577721145972, -0.23217089248899814,
        -0.4116641484668066, 0.20810249093217456};

    // trajectories, (3, 5) per frame
    static final double[] TRAIN0_LOC30 = {2.989116317166655, 0.06995112699594831, -0.9238757220080382,
        0.3920945581339576, -0.05206918373568528, 1.7693701204465262, 0.11228359246320845, 0.6131790103122096,
        0.2990995581732736, -2.6627322017803485, -1.1712942795381607, 1.3656530512661111, 1.3339073366756902,
        -1.7798811766294882, -1.7504374012291943};
    static final double[] TRAIN0_LOC40 = {4.1654998367653935, -0.549322315126418, -0.5968713104822592,
        0.17929104582269279, 0.015715008959059272, 2.191309138415654, 0.5470967935416903, 0.39296191465155966,
        0.6260655409674976, -3.5165464953480843, -1.3826188023600456, 1.8077873644485798, 1.905819621015626,
        -2.524870663959486, -2.3207265914093873};
    static final double[] TRAIN0_VEL30 = {1.1338110406668451, -0.0570647040548398, -0.2253070079646826,
        -0.18940130946643147, 0.07705715020473165, 0.39568061256371995, 0.34777561521443145, -0.1388227001170665,
        0.30410254035607515, -0.7990492554037132, -0.22660657308868634, 0.44538905812257457, 0.5830045162802407,
        -0.7416207003427772, -0.5727229037810229};
    static final double[] TRAIN0_VEL40 = {1.2102278008166256, -2.109755703078891, 1.8128764327052171,
        -0.23469363599015336, 0.060440274932828976, 0.4425797401667267, -0.33592262818467566, 0.5520825029786346,
        0.3492977089465551, -0.8983505112937955, -0.19936320443828906, 1.1069715002220843, -0.10120269807720449,
        -0.7495994313046672, -0.5693627692115965};
    static final double[] TEST0_LOC30 = {1.7298977492711582, 1.3471559881426873, 0.7448268607498704,
        2.119250147355093, -1.9917909866267234, 0.7635153613745032, -0.24460236668838833, 0.9676054679529814,
        0.4567468979021097, 1.505639803071212, 0.3273713700122135, -1.4030607259937335, -1.3735244502893593,
        -0.16310370236754385, 1.659302859995377};
    static final double[] TEST0_LOC40 = {2.202854589119615, 1.5273780493875617, 0.5633518289756152,
        2.051502219448675, -2.1589198567074894, 0.9621634480550973, 0.6862713658916205, 0.6874977333554169,
        0.11256456945762305, 1.9238241674893541, -0.679564197523353, -1.631559479002652, -1.8073185029096792,
        -0.10310814225781822, 1.9179752743700345};
    static final double[] TEST0_VEL40 = {0.5877640632835852, -0.2085438700784653, 0.20850557009753337,
        -0.18316288236721578, -0.16773580960355264, -0.2368748350610205, 0.9493206760047982, -0.3849062668823032,
        0.1807991792343302, 0.4150773673408892, -0.7806705512690404, -0.32889178873646135, -0.33961174752344375,
        -0.15550087527960801, 0.2541145641281248};

    /**
     * Charges of sims 0–99 of the valid and test splits for {@code --num-train 3000 --num-valid 100 --num-test 100}
     * ('+' = 1, '-' = −1). These equal the charges files committed in gerkone/segnn-jax (commit c20e1d61,
     * experiments/nbody/dataset/charges_{valid,test}_charged5_initvel1small.npy), produced by the original generator.
     */
    static final String VALID100 = "-+---+++++--+--+-+-+-+-++--+-----++-++-+++++--+++++++-+--++----++-++++-+---+-+++"
            + "--+++-+++-+-++--+--++++-+-++-------++++---+----+-++---+-+--++--+++-+--+--+-++--+-++++--++-++-+++++"
            + "+++---+++--+-++-++--+--+------+-+---+++-+---+---+-+-+-+--++---++++--++++--++-++-++++---+-++--+----"
            + "++++--+-+-+---++-+-+----+++--++-+-------------+---+-++-+-+---+++++--+--+-+++++++++++-++----++-+--+"
            + "-+-++++--+---++++++-+++--+++-+-----+-+-++++++-++++-+++-+++-++++---+-+--++-+-++-+-+-+-+-++---++--+-"
            + "-++---++++++++--++++---++++-";
    static final String TEST100 = "++---+-+-++------+---+-++-++++-+++-+------++-++---+++-+--+-+---+---+-+----++++--"
            + "-----+--+++-------+++-++++-+-+---+-+++++--+----+++-++-+--+--+--+-++++--++-+--++-+--++++--+---+++++-"
            + "++++-+-+++--+-+--+---+---+--+++-++-+--+++++-+-++--+---+++++-+-+++-+++-+---+++-++++---+------++-++++"
            + "+---++-+++-+++++-+-++-+++---+++-++-+++++-+-++-----+-+-+++-+-+--+-++-+++++-++--+++--++--+--+-++++++-"
            + "----++++-++++-+++----++-+------++--+++-----+-+++++---+---+----+---++-+-+-+----+++-+---+++----+++++++"
            + "--------+++-+++++---+++";

    private static double[] frame(double[] traj, int frame) {
        double[] out = new double[15];
        System.arraycopy(traj, frame * 15, out, 0, 15);
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    /** The first 14 000 simulations' draws of the seed-43 stream (train 0–9999, valid 10000–11999, test 12000–). */
    private static List<InitialState> stream43;

    @BeforeAll
    static void drawStream() {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation();
        NumpyRandomState rs = new NumpyRandomState(43);
        stream43 = new ArrayList<>();
        for (int s = 0; s < 14000; s++) {
            stream43.add(sim.sampleInitial(rs));
        }
    }

    /** Initial states of train sims 0 and 1, valid sim 0 and test sim 0 (seed 43, 10000 / 2000 / 2000). */
    private static List<InitialState> firstOfEachSplit() {
        return List.of(stream43.get(0), stream43.get(1), stream43.get(10000), stream43.get(12000));
    }

    @Test
    void initialConditionsAndChargesMatchNumpyExactly() {
        List<InitialState> st = firstOfEachSplit();
        double[][][] expected = {
            {TRAIN0_Q, TRAIN0_X0, TRAIN0_V0}, {TRAIN1_Q, TRAIN1_X0, TRAIN1_V0},
            {VALID0_Q, VALID0_X0, VALID0_V0}, {TEST0_Q, TEST0_X0, TEST0_V0}};
        String[] names = {"train 0", "train 1", "valid 0", "test 0"};
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(expected[k][0], st.get(k).charges(), names[k] + " charges");
            assertArrayEquals(expected[k][1], st.get(k).loc(), names[k] + " x0");
            assertArrayEquals(expected[k][2], st.get(k).vel(), names[k] + " v0");
            assertNull(st.get(k).locNoise());
        }
        // every initial speed is exactly vel_norm up to rounding
        double[] v = st.get(0).vel();
        for (int i = 0; i < 5; i++) {
            assertEquals(0.5, Math.sqrt(v[i] * v[i] + v[5 + i] * v[5 + i] + v[10 + i] * v[10 + i]), 1e-15);
        }
    }

    @Test
    void chargesMatchTheOriginalGeneratorsFiles() {
        // with 3000 train sims, the valid split is sims 3000-3099 of the stream and test 3100-3199
        String[] expected = {VALID100, TEST100};
        for (int part = 0; part < 2; part++) {
            StringBuilder got = new StringBuilder();
            for (int s = 0; s < 100; s++) {
                for (double q : stream43.get(3000 + 100 * part + s).charges()) {
                    got.append(q > 0 ? '+' : '-');
                }
            }
            assertEquals(expected[part], got.toString());
        }
    }

    @Test
    void chargeSumsOfTheBenchmarkSplits() {
        // egnn-segnn-data.md §1.8: train 468, valid 146, test 102 (seed 43, 10000 / 2000 / 2000)
        int[] start = {0, 10000, 12000, 14000};
        int[] expected = {468, 146, 102};
        for (int p = 0; p < 3; p++) {
            double sum = 0;
            for (int s = start[p]; s < start[p + 1]; s++) {
                for (double q : stream43.get(s).charges()) {
                    assertTrue(q == 1.0 || q == -1.0);
                    sum += q;
                }
            }
            assertEquals(expected[p], sum, 0.0, "split " + p);
        }
    }

    @Test
    void trajectoriesMatchNumpy() {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation();
        List<InitialState> st = firstOfEachSplit();
        Trajectory train0 = sim.integrate(st.get(0));
        Trajectory test0 = sim.integrate(st.get(3));
        assertEquals(49 * 15, train0.loc().length);
        // the note's rounding of train sim 0, particle 0 (x, y, z at indices 0, 5, 10)
        double[] l30 = frame(train0.loc(), 30);
        assertClose(new double[] {2.98911632, 1.76937012, -1.17129428}, new double[] {l30[0], l30[5], l30[10]}, 5e-9,
                "note §1.8 frame 30");
        double[] l40 = frame(train0.loc(), 40);
        assertClose(new double[] {4.16549984, 2.19130914, -1.3826188}, new double[] {l40[0], l40[5], l40[10]}, 5e-9,
                "note §1.8 frame 40");
        // full frames; these agree bit for bit on the reference machine, the tolerance allows other FMA/BLAS setups
        double tol = 1e-10;
        assertClose(TRAIN0_LOC30, l30, tol, "train 0 loc 30");
        assertClose(TRAIN0_LOC40, l40, tol, "train 0 loc 40");
        assertClose(TRAIN0_VEL30, frame(train0.vel(), 30), tol, "train 0 vel 30");
        assertClose(TRAIN0_VEL40, frame(train0.vel(), 40), tol, "train 0 vel 40");
        assertClose(TEST0_LOC30, frame(test0.loc(), 30), tol, "test 0 loc 30");
        assertClose(TEST0_LOC40, frame(test0.loc(), 40), tol, "test 0 loc 40");
        assertClose(TEST0_VEL40, frame(test0.vel(), 40), tol, "test 0 vel 40");
        assertArrayEquals(TRAIN0_LOC30, l30, "bit-exact on x86-64 with FMA");
    }

    @Test
    void unrolledAndGenericKernelsAgreeBitForBit() {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation();
        ChargedParticlesSimulation generic = sim.genericKernel();
        NumpyRandomState rs = new NumpyRandomState(7);
        for (int s = 0; s < 4; s++) {
            InitialState st = sim.sampleInitial(rs);
            Trajectory a = sim.integrate(st);
            Trajectory b = generic.integrate(st);
            assertArrayEquals(a.loc(), b.loc());
            assertArrayEquals(a.vel(), b.vel());
        }
    }

    @Test
    void resultDoesNotDependOnThreads() {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(Config.defaults().withLength(1000, 100));
        ChargedParticlesSimulation.Batch one = sim.generate(new NumpyRandomState(43), 8, 1);
        ChargedParticlesSimulation.Batch two = sim.generate(new NumpyRandomState(43), 8, 2);
        assertArrayEquals(one.loc(), two.loc());
        assertArrayEquals(one.vel(), two.vel());
        assertArrayEquals(one.charges(), two.charges());
        assertEquals(8 * 9 * 15, one.loc().length);
        // the batch holds consecutive sims: sim 0 is train sim 0
        assertArrayEquals(TRAIN0_Q, java.util.Arrays.copyOf(one.charges(), 5));
    }

    @Test
    void drawsTheSameStreamAsOneCallPerSimulation() {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(Config.defaults().withLength(500, 100));
        NumpyRandomState a = new NumpyRandomState(1);
        NumpyRandomState b = new NumpyRandomState(1);
        ChargedParticlesSimulation.Batch batch = sim.generate(a, 3, 2);
        for (int s = 0; s < 3; s++) {
            Trajectory t = sim.sample(b);
            assertArrayEquals(t.loc(), java.util.Arrays.copyOfRange(batch.loc(), s * 4 * 15, (s + 1) * 4 * 15));
        }
        assertEquals(a.nextUint32(), b.nextUint32());
        // each simulation consumes 5 doubles and 15 + 15 + 2 * 4 * 15 Gaussians
        NumpyRandomState c = new NumpyRandomState(1);
        for (int s = 0; s < 3; s++) {
            c.randomSample(5);
            c.skipStandardNormal(30 + 2 * 4 * 15);
        }
        NumpyRandomState d = new NumpyRandomState(1);
        sim.generate(d, 3, 1);
        assertEquals(c.nextUint32(), d.nextUint32());
    }

    @Test
    void clampRunsAtTimeZeroOnlyAndThereAreNoWalls() {
        // no interaction: straight lines. A particle starting at x = 6 is reflected to 4 with v = -|v|;
        // one starting at 4.9 moving outward crosses 5 freely later.
        Config c = new Config(2, 5.0, 1.0, 0.5, 0.0, 0.0, 0.001, 100.0, 1000, 100,
                new double[] {-1, 1}, new double[] {0.5, 0.5}, ChargedParticlesSimulation.DotProduct.FUSED);
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(c);
        double[] x0 = {6.0, 4.9, 0, 0, -7.0, 0};
        double[] v0 = {0.5, 0.5, 0, 0, 0.5, 0.5};
        Trajectory t = sim.integrate(new InitialState(new double[] {1, 1}, x0, v0, null, null));
        int frames = c.savedFrames();
        assertEquals(9, frames);
        double[] last = java.util.Arrays.copyOfRange(t.loc(), (frames - 1) * 6, frames * 6);
        double time = 0.001 * 900; // frame 8 is after step 900
        assertEquals(4.0 - 0.5 * time, last[0], 1e-12);
        assertEquals(4.9 + 0.5 * time, last[1], 1e-12);
        assertTrue(last[1] > 5.0, "no wall after t = 0");
        assertEquals(-3.0 + 0.5 * time, last[4], 1e-12); // -7 reflected to -3, velocity +|v|
        assertEquals(0.5 * time, last[5], 1e-12);
        assertEquals(-0.5, t.vel()[(frames - 1) * 6], 0.0);
    }

    @Test
    void forcesAreCoulombAndClippedPerComponent() {
        // sampleFreq 1, length 3: frame 0 is after step 1 and stores v = v0 + dt * clip(F(x0)), the initial kick
        Config c = new Config(2, 5.0, 1.0, 0.5, 1.0, 0.0, 0.001, 100.0, 3, 1,
                new double[] {-1, 1}, new double[] {0.5, 0.5}, ChargedParticlesSimulation.DotProduct.FUSED);
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(c);
        // like charges 2 apart along x: |F| = 1/4, repulsive
        Trajectory far = sim.integrate(new InitialState(new double[] {1, 1},
                new double[] {-1, 1, 0, 0, 0, 0}, new double[6], null, null));
        assertArrayEquals(new double[] {-0.00025, 0.00025, 0, 0, 0, 0}, java.util.Arrays.copyOf(far.vel(), 6));
        // like charges 1e-3 apart: |F| = 1e6, clipped to 100 -> |v| = dt * 100 = 0.1 exactly
        Trajectory near = sim.integrate(new InitialState(new double[] {1, 1},
                new double[] {0.25, 0.25, -0.0005, 0.0005, 0, 0}, new double[6], null, null));
        assertArrayEquals(new double[] {0, 0, -0.1, 0.1, 0, 0}, java.util.Arrays.copyOf(near.vel(), 6));
        // opposite charges attract
        Trajectory attract = sim.integrate(new InitialState(new double[] {-1, 1},
                new double[] {-1, 1, 0, 0, 0, 0}, new double[6], null, null));
        assertEquals(0.00025, attract.vel()[0], 1e-18);
        assertArrayEquals(new double[] {1, -1, -1, 1}, attract.edges());
        // positions of frame 0 are x0 + dt * v
        assertEquals(-1 + 0.001 * 0.00025, attract.loc()[0], 1e-18);
    }

    @Test
    void noiseIsAddedWithItsFactor() {
        Config base = Config.defaults().withLength(300, 100);
        Config noisy = new Config(5, 5.0, 1.0, 0.5, 1.0, 0.25, 0.001, 100.0, 300, 100,
                new double[] {-1, 0, 1}, new double[] {.5, 0, .5}, ChargedParticlesSimulation.DotProduct.FUSED);
        NumpyRandomState rs = new NumpyRandomState(3);
        InitialState clean = new ChargedParticlesSimulation(base).sampleInitial(rs.copy());
        InitialState withNoise = new ChargedParticlesSimulation(noisy).sampleInitial(rs);
        assertArrayEquals(clean.loc(), withNoise.loc());
        Trajectory a = new ChargedParticlesSimulation(base).integrate(clean);
        Trajectory b = new ChargedParticlesSimulation(noisy).integrate(withNoise);
        for (int k = 0; k < a.loc().length; k++) {
            assertEquals(a.loc()[k] + withNoise.locNoise()[k] * 0.25, b.loc()[k], 0.0);
            assertEquals(a.vel()[k] + withNoise.velNoise()[k] * 0.25, b.vel()[k], 0.0);
        }
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> Config.defaults().withLength(5050, 100));
        assertThrows(IllegalArgumentException.class, () -> Config.defaults().withLength(100, 100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Config(5, 5, 1, .5, 1, 0,
                0.001, 100, 5000, 100, new double[] {-1, 1}, new double[] {1}, ChargedParticlesSimulation.DotProduct.FUSED));
        assertTrue(e.getMessage().contains("2 types and 1 probabilities"), e.getMessage());
        assertEquals(49, Config.defaults().savedFrames());
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation();
        assertThrows(IllegalArgumentException.class,
                () -> sim.integrate(new InitialState(new double[4], new double[12], new double[12], null, null)));
    }
}
