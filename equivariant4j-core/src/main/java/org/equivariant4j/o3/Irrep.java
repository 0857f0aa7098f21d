package org.equivariant4j.o3;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.harmonics.WignerD;

/**
 * An irreducible representation of O(3): degree {@code l ≥ 0} and parity {@code p = ±1}, acting on R^(2l+1) by
 * ψ_{l,p}((−1)^k R) = p^k D^l(R) with e3nn's real Wigner D (y-up, l = 1 acts on (x, y, z)).
 *
 * <p>Written as in e3nn: {@code "1o"} (l = 1, p = −1: a vector), {@code "1e"} (a pseudovector), {@code "0o"}
 * (a pseudoscalar). Parity is a field, never inferred from a name. Irreps order as e3nn sorts them, by (l, p) with
 * p = −1 first: {@code 0o < 0e < 1o < 1e < 2o < 2e}.
 *
 * @param l the degree
 * @param p the parity, +1 (even, "e") or −1 (odd, "o")
 */
public record Irrep(int l, int p) implements Comparable<Irrep> {
    /** The trivial irrep 0e. */
    public static final Irrep SCALAR = new Irrep(0, 1);

    public Irrep {
        if (l < 0) {
            throw new IllegalArgumentException("an O(3) irrep needs a degree l >= 0, got l = " + l);
        }
        if (p != 1 && p != -1) {
            throw new IllegalArgumentException("an O(3) irrep needs parity +1 (e) or -1 (o), got p = " + p);
        }
    }

    /** The irrep (l, p). */
    public static Irrep of(int l, int p) {
        return new Irrep(l, p);
    }

    /**
     * Parses {@code "<l><e|o|y>"}: e is parity +1, o is −1, y is (−1)^l (the parity of Y^l of a polar vector).
     * Surrounding spaces are ignored.
     *
     * @throws IllegalArgumentException naming the string and what is wrong with it
     */
    public static Irrep parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected an irrep such as \"1o\", got null");
        }
        String s = text.strip();
        int bad = firstBadCharacter(s);
        if (bad >= 0) {
            throw new IllegalArgumentException("cannot read the irrep \"" + text + "\": " + problemAt(s, bad));
        }
        return new Irrep(Integer.parseInt(s.substring(0, s.length() - 1)), parity(s.charAt(s.length() - 1),
                Integer.parseInt(s.substring(0, s.length() - 1))));
    }

    /**
     * The index of the first character of {@code s} that breaks {@code <digits><e|o|y>}, {@code s.length()} when the
     * parity letter is missing, or −1 when {@code s} is well formed.
     */
    static int firstBadCharacter(String s) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return 0;
        }
        if (i > 9) {
            return 9; // degrees beyond 999 999 999 do not fit
        }
        if (i == s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c != 'e' && c != 'o' && c != 'y') {
            return i;
        }
        return i + 1 == s.length() ? -1 : i + 1;
    }

    /** What is wrong at index {@code bad} of an irrep string {@code s} (see {@link #firstBadCharacter}). */
    static String problemAt(String s, int bad) {
        if (bad == s.length()) {
            return s.isEmpty() ? "it is empty, expected <l><e|o|y> such as \"1o\""
                    : "the parity letter (e, o or y) is missing after the degree \"" + s + "\"";
        }
        char c = s.charAt(bad);
        if (bad == 0) {
            return "expected a degree l >= 0 (digits) at its start, found '" + c + "'";
        }
        boolean afterDigits = Character.isDigit(s.charAt(bad - 1));
        if (afterDigits && Character.isDigit(c)) {
            return "the degree is too large";
        }
        return afterDigits ? "expected the parity letter e, o or y after the degree, found '" + c + "'"
                : "unexpected '" + c + "' after the parity letter";
    }

    private static int parity(char letter, int l) {
        return switch (letter) {
            case 'e' -> 1;
            case 'o' -> -1;
            default -> (l & 1) == 0 ? 1 : -1;
        };
    }

    /** 2l + 1. */
    public int dim() {
        return 2 * l + 1;
    }

    /** Whether this is 0e, the trivial representation. */
    public boolean isScalar() {
        return l == 0 && p == 1;
    }

    /** The irreps in ψ_a ⊗ ψ_b: degrees |l_a − l_b| … l_a + l_b, all of parity p_a·p_b, in increasing degree. */
    public List<Irrep> times(Irrep other) {
        List<Irrep> out = new ArrayList<>();
        for (int k = Math.abs(l - other.l); k <= l + other.l; k++) {
            out.add(new Irrep(k, p * other.p));
        }
        return out;
    }

    /** Whether {@code out} occurs in this ⊗ {@code other}: the selection rule |l1 − l2| ≤ l3 ≤ l1 + l2 and p3 = p1·p2. */
    public boolean couplesTo(Irrep other, Irrep out) {
        return out.p == p * other.p && out.l >= Math.abs(l - other.l) && out.l <= l + other.l;
    }

    /** ψ(g): D^l(R) times p when g contains the inversion; a fresh (2l+1)×(2l+1) matrix. */
    public double[][] matrix(O3Element g) {
        double[][] d = WignerD.fromQuaternion(l, g.rotation().rotation());
        if (g.inversion() == 1 && p == -1) {
            for (double[] row : d) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = -row[j];
                }
            }
        }
        return d;
    }

    /** The same irrep as a representation of {@link Groups#o3()}. */
    public org.equivariant4j.repr.Irrep<O3Element> representation() {
        return Groups.o3().irrep(l, p);
    }

    /** e3nn's order: by degree, then odd before even. */
    @Override
    public int compareTo(Irrep o) {
        return l != o.l ? Integer.compare(l, o.l) : Integer.compare(p, o.p);
    }

    /** {@code "1o"}, {@code "2e"}, … */
    @Override
    public String toString() {
        return l + (p == 1 ? "e" : "o");
    }
}
