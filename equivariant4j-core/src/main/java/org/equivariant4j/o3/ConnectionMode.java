package org.equivariant4j.o3;

/**
 * How the multiplicities of a tensor-product path combine (e3nn's connection modes). With u, v, w the copy indices of
 * input 1, input 2 and the output, i, j, k their components and C the Wigner 3j symbol of the path:
 *
 * <table>
 *   <caption>connection modes</caption>
 *   <tr><th>mode</th><th>computes</th><th>weight shape</th><th>fan-in</th><th>requires</th></tr>
 *   <tr><td>uvw</td><td>z_wk = Σ_uvij w_uvw C_ijk x_ui y_vj</td><td>(m1, m2, m3)</td><td>m1·m2</td><td>weights</td></tr>
 *   <tr><td>uvu</td><td>z_uk = Σ_vij w_uv C_ijk x_ui y_vj</td><td>(m1, m2)</td><td>m2</td><td>m3 = m1</td></tr>
 *   <tr><td>uvv</td><td>z_vk = Σ_uij w_uv C_ijk x_ui y_vj</td><td>(m1, m2)</td><td>m1</td><td>m3 = m2</td></tr>
 *   <tr><td>uuw</td><td>z_wk = Σ_uij w_uw C_ijk x_ui y_uj</td><td>(m1, m3)</td><td>m1</td><td>m1 = m2; m3 = 1 without weights</td></tr>
 *   <tr><td>uuu</td><td>z_uk = Σ_ij w_u C_ijk x_ui y_uj</td><td>(m1)</td><td>1</td><td>m1 = m2 = m3</td></tr>
 *   <tr><td>uvuv</td><td>z_(uv)k = Σ_ij w_uv C_ijk x_ui y_vj</td><td>(m1, m2)</td><td>1</td><td>m3 = m1·m2</td></tr>
 *   <tr><td>uvu&lt;v</td><td>z_(u&lt;v)k = Σ_ij w_(uv) C_ijk x_ui y_vj over pairs u &lt; v</td><td>(m1(m1−1)/2)</td><td>1</td><td>m1 = m2, m3 = m1(m1−1)/2</td></tr>
 *   <tr><td>u&lt;vw</td><td>z_wk = Σ_{u&lt;v} Σ_ij w_(uv)w C_ijk x_ui y_vj</td><td>(m1(m1−1)/2, m3)</td><td>m1(m1−1)/2</td><td>m1 = m2, weights</td></tr>
 * </table>
 *
 * <p>Without weights, w is 1 (so uvu sums over v, uvv over u, uuw over u). Pairs (u, v) with u &lt; v are
 * numbered row by row: (0,1), (0,2), …, (1,2), … (as {@code torch.triu_indices(m, m, 1)}); (u, v) in uvuv is u·m2 + v.
 */
public enum ConnectionMode {
    UVW("uvw"),
    UVU("uvu"),
    UVV("uvv"),
    UUW("uuw"),
    UUU("uuu"),
    UVUV("uvuv"),
    UVU_LT_V("uvu<v"),
    U_LT_VW("u<vw");

    private final String text;

    ConnectionMode(String text) {
        this.text = text;
    }

    /** The e3nn name, e.g. "uvw". */
    public String text() {
        return text;
    }

    /** The mode named as in e3nn ({@code "uvw", "uvu", "uvv", "uuw", "uuu", "uvuv", "uvu<v", "u<vw"}). */
    public static ConnectionMode parse(String text) {
        for (ConnectionMode m : values()) {
            if (m.text.equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown connection mode \"" + text
                + "\"; expected one of uvw, uvu, uvv, uuw, uuu, uvuv, uvu<v, u<vw");
    }

    /** The shape of the path's weights for multiplicities m1, m2 (inputs) and m3 (output). */
    public int[] weightShape(int m1, int m2, int m3) {
        return switch (this) {
            case UVW -> new int[] {m1, m2, m3};
            case UVU, UVV, UVUV -> new int[] {m1, m2};
            case UUW -> new int[] {m1, m3};
            case UUU -> new int[] {m1};
            case UVU_LT_V -> new int[] {m1 * (m2 - 1) / 2};
            case U_LT_VW -> new int[] {m1 * (m2 - 1) / 2, m3};
        };
    }

    /** The number of (u, v) terms summed into one output component: the fan-in used by "element" normalisation. */
    public int fanIn(int m1, int m2) {
        return switch (this) {
            case UVW -> m1 * m2;
            case UVU -> m2;
            case UVV, UUW -> m1;
            case UUU, UVUV, UVU_LT_V -> 1;
            case U_LT_VW -> m1 * (m2 - 1) / 2;
        };
    }

    /** Why multiplicities m1, m2, m3 (and weighting) do not fit this mode, or null when they do. */
    String misfit(int m1, int m2, int m3, boolean weighted) {
        return switch (this) {
            case UVW -> weighted ? null : "mode uvw needs weights";
            case UVU -> m3 == m1 ? null : "mode uvu needs mul_out = mul1, got " + m3 + " and " + m1;
            case UVV -> m3 == m2 ? null : "mode uvv needs mul_out = mul2, got " + m3 + " and " + m2;
            case UUW -> m1 != m2 ? "mode uuw needs mul1 = mul2, got " + m1 + " and " + m2
                    : !weighted && m3 != 1 ? "mode uuw without weights sums over u and needs mul_out = 1, got " + m3
                    : null;
            case UUU -> m1 == m2 && m2 == m3 ? null
                    : "mode uuu needs mul1 = mul2 = mul_out, got " + m1 + ", " + m2 + ", " + m3;
            case UVUV -> m3 == m1 * m2 ? null : "mode uvuv needs mul_out = mul1*mul2 = " + m1 * m2 + ", got " + m3;
            case UVU_LT_V -> m1 != m2 ? "mode uvu<v needs mul1 = mul2, got " + m1 + " and " + m2
                    : m3 != m1 * (m1 - 1) / 2 ? "mode uvu<v needs mul_out = mul1(mul1-1)/2 = " + m1 * (m1 - 1) / 2
                    + ", got " + m3 : null;
            case U_LT_VW -> m1 != m2 ? "mode u<vw needs mul1 = mul2, got " + m1 + " and " + m2
                    : weighted ? null : "mode u<vw needs weights";
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
