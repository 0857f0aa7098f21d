package org.equivariant4j.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes extended XYZ files (the format of ASE, OVITO and the MD17 sample data): frames of
 *
 * <pre>
 *   9
 *   Properties=species:S:1:pos:R:3:forces:R:3 energy=-97195.01 pbc="F F F"
 *   C   0.3253  -0.2083  -0.3729   26.2307  -14.1520   33.3702
 *   ...
 * </pre>
 * a line with the atom count, a comment line of {@code key=value} pairs (values with spaces in double quotes; a bare key
 * means {@code T}), and one line per atom whose columns are described by {@code Properties}: triples
 * {@code name:type:columns} with type S (string), R (real), I (integer) or L (logical, T/F). Without a
 * {@code Properties} key the columns are {@code species:S:1:pos:R:3} (plain XYZ). The species column may be called
 * {@code species} or {@code element}; positions are {@code pos}.
 *
 * <p>Anything malformed — a count that is not a positive integer, a missing or short atom line, a non-numeric or
 * non-finite value, a malformed {@code Properties} — is an {@link IllegalArgumentException} naming the file, the line,
 * the frame and what was expected and found. Writing replaces the target atomically ({@link AtomicFiles}).
 */
public final class ExtendedXyz {
    private ExtendedXyz() {}

    /**
     * One column group of the atom lines.
     *
     * @param name    e.g. "pos"
     * @param type    'S', 'R', 'I' or 'L'
     * @param columns how many columns
     */
    public record Property(String name, char type, int columns) {
        public Property {
            Objects.requireNonNull(name, "name");
            if ("SRIL".indexOf(type) < 0 || columns < 1) {
                throw new IllegalArgumentException("a property needs type S, R, I or L and at least one column, got " + name
                        + ":" + type + ":" + columns);
            }
        }

        @Override
        public String toString() {
            return name + ":" + type + ":" + columns;
        }
    }

    /**
     * One frame.
     *
     * @param species  the chemical symbol of every atom
     * @param positions positions [atoms][3]
     * @param arrays   the other numeric per-atom properties (R, I, L as 0/1), by name, [atoms][columns]
     * @param info     the comment line's key-value pairs other than {@code Properties}, in order (values unquoted)
     */
    public record Frame(List<String> species, double[][] positions, Map<String, double[][]> arrays, Map<String, String> info) {
        public Frame {
            species = List.copyOf(species);
            arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
            info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
            if (positions.length != species.size()) {
                throw new IllegalArgumentException("a frame needs one position per atom: " + species.size() + " species, "
                        + positions.length + " positions");
            }
            for (Map.Entry<String, double[][]> e : arrays.entrySet()) {
                if (e.getValue().length != species.size()) {
                    throw new IllegalArgumentException("property '" + e.getKey() + "' has " + e.getValue().length
                            + " rows for " + species.size() + " atoms");
                }
            }
        }

        public int atoms() {
            return species.size();
        }

        /** The numeric value of info key {@code key}. */
        public double infoDouble(String key) {
            String v = info.get(key);
            if (v == null) {
                throw new IllegalArgumentException("the frame has no '" + key + "' in its comment line (keys: " + info.keySet()
                        + ")");
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "=" + v + "' is not a number");
            }
        }
    }

    /**
     * Reads every frame of a file.
     *
     * @throws IllegalArgumentException for a missing file or malformed content (naming file, line and frame)
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<Frame> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a folder; expected an extended XYZ file");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist (expected an extended XYZ file)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + AtomicFiles.reason(e), e);
        }
    }

    /** Reads every frame from a reader; {@code source} names it in messages. */
    public static List<Frame> read(BufferedReader r, String source) throws IOException {
        List<Frame> frames = new ArrayList<>();
        int lineNo = 0;
        String line;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue; // blank lines between or after frames
            }
            int frame = frames.size();
            String where = source + ":" + lineNo + " (frame " + frame + ")";
            int n;
            try {
                n = Integer.parseInt(line.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": expected the atom count (a positive integer), got '" + clip(line)
                        + "'");
            }
            if (n < 1) {
                throw new IllegalArgumentException(where + ": expected a positive atom count, got " + n);
            }
            String comment = r.readLine();
            lineNo++;
            if (comment == null) {
                throw new IllegalArgumentException(source + " ends after the atom count of frame " + frame + " (line "
                        + (lineNo - 1) + "): expected a comment line and " + n + " atom lines");
            }
            Map<String, String> info = parseComment(comment, source + ":" + lineNo + " (frame " + frame + ")");
            String spec = info.remove("Properties");
            List<Property> props = spec == null ? List.of(new Property("species", 'S', 1), new Property("pos", 'R', 3))
                    : parseProperties(spec, source + ":" + lineNo + " (frame " + frame + ")");
            int width = 0;
            int speciesAt = -1;
            int posAt = -1;
            for (Property p : props) {
                if ((p.name().equals("species") || p.name().equals("element")) && p.type() == 'S' && p.columns() == 1) {
                    speciesAt = width;
                } else if (p.name().equals("pos")) {
                    if (p.type() != 'R' || p.columns() != 3) {
                        throw new IllegalArgumentException(source + ":" + lineNo + " (frame " + frame + "): expected pos:R:3,"
                                + " got " + p);
                    }
                    posAt = width;
                }
                width += p.columns();
            }
            if (speciesAt < 0 || posAt < 0) {
                throw new IllegalArgumentException(source + ":" + lineNo + " (frame " + frame + "): Properties must include"
                        + " species:S:1 and pos:R:3, got " + props);
            }
            List<String> species = new ArrayList<>(n);
            double[][] pos = new double[n][3];
            Map<String, double[][]> arrays = new LinkedHashMap<>();
            for (Property p : props) {
                if (p.type() != 'S') {
                    arrays.put(p.name(), new double[n][p.columns()]);
                }
            }
            arrays.remove("pos");
            for (int i = 0; i < n; i++) {
                String atom = r.readLine();
                lineNo++;
                String at = source + ":" + lineNo + " (frame " + frame + ", atom " + i + ")";
                if (atom == null) {
                    throw new IllegalArgumentException(source + " ends in frame " + frame + ": expected " + n
                            + " atom lines, got " + i + " (the atom count says " + n + ")");
                }
                String[] cols = atom.trim().split("\\s+");
                if (cols.length != width) {
                    throw new IllegalArgumentException(at + ": expected " + width + " columns (" + joined(props) + "), got "
                            + (atom.isBlank() ? 0 : cols.length) + ": '" + clip(atom) + "'");
                }
                int c = 0;
                for (Property p : props) {
                    for (int k = 0; k < p.columns(); k++, c++) {
                        String v = cols[c];
                        if (c == speciesAt) {
                            species.add(v);
                        } else if (p.type() != 'S') {
                            double d = value(v, p, at);
                            if (p.name().equals("pos")) {
                                pos[i][k] = d;
                            } else {
                                arrays.get(p.name())[i][k] = d;
                            }
                        }
                    }
                }
            }
            frames.add(new Frame(species, pos, arrays, info));
        }
        if (frames.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no frames (expected extended XYZ: an atom count line, a"
                    + " comment line, one line per atom)");
        }
        return frames;
    }

    private static double value(String v, Property p, String at) {
        switch (p.type()) {
            case 'L':
                if (v.equals("T") || v.equalsIgnoreCase("true")) {
                    return 1;
                }
                if (v.equals("F") || v.equalsIgnoreCase("false")) {
                    return 0;
                }
                throw new IllegalArgumentException(at + ": property '" + p.name() + "' expects T or F, got '" + clip(v) + "'");
            case 'I':
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + ": property '" + p.name() + "' expects an integer, got '"
                            + clip(v) + "'");
                }
            default:
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + ": property '" + p.name() + "' expects a number, got '" + clip(v)
                            + "'");
                }
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException(at + ": property '" + p.name() + "' must be finite, got " + v);
                }
                return d;
        }
    }

    /** The comment line's {@code key=value} pairs (quoted values may hold spaces; a bare key is {@code T}). */
    static Map<String, String> parseComment(String line, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && line.charAt(i) != '=' && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            String key = line.substring(start, i);
            if (i < n && line.charAt(i) == '=') {
                i++;
                String value;
                if (i < n && (line.charAt(i) == '"' || line.charAt(i) == '\'')) {
                    char q = line.charAt(i);
                    int close = line.indexOf(q, i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException(where + ": the value of '" + key + "' opens a quote " + q
                                + " that is never closed");
                    }
                    value = line.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int s = i;
                    while (i < n && !Character.isWhitespace(line.charAt(i))) {
                        i++;
                    }
                    value = line.substring(s, i);
                }
                if (key.isEmpty()) {
                    throw new IllegalArgumentException(where + ": a '=' without a key in the comment line");
                }
                out.put(key, value);
            } else {
                out.put(key, "T");
            }
        }
        return out;
    }

    /** The triples of a {@code Properties} value. */
    static List<Property> parseProperties(String spec, String where) {
        String[] parts = spec.split(":", -1);
        if (parts.length % 3 != 0) {
            throw new IllegalArgumentException(where + ": Properties='" + spec + "' is not a list of name:type:columns triples");
        }
        List<Property> list = new ArrayList<>();
        for (int k = 0; k < parts.length; k += 3) {
            String name = parts[k];
            String type = parts[k + 1];
            int cols;
            try {
                cols = Integer.parseInt(parts[k + 2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": Properties entry '" + name + ":" + type + ":" + parts[k + 2]
                        + "' needs a column count, got '" + parts[k + 2] + "'");
            }
            if (name.isEmpty() || type.length() != 1 || "SRIL".indexOf(type.charAt(0)) < 0 || cols < 1) {
                throw new IllegalArgumentException(where + ": Properties entry '" + name + ":" + type + ":" + cols
                        + "' needs a name, a type S, R, I or L and at least one column");
            }
            list.add(new Property(name, type.charAt(0), cols));
        }
        return list;
    }

    /**
     * Writes frames atomically: species, positions and the frames' per-atom arrays as R columns (in the first frame's
     * order; every frame must have the same arrays), the info pairs on the comment line (values with spaces quoted), and
     * {@code pbc="F F F"} unless the info has a {@code pbc}.
     */
    public static void write(Path file, List<Frame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to write to " + file);
        }
        AtomicFiles.write(file, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Frame f : frames) {
                    writeFrame(w, f, frames.get(0).arrays().keySet());
                }
            }
        });
    }

    private static void writeFrame(BufferedWriter w, Frame f, java.util.Set<String> names) throws IOException {
        if (!f.arrays().keySet().equals(names)) {
            throw new IllegalArgumentException("every frame must have the same per-atom arrays: " + names + " and "
                    + f.arrays().keySet());
        }
        StringBuilder props = new StringBuilder("species:S:1:pos:R:3");
        for (String name : names) {
            props.append(':').append(name).append(":R:").append(f.arrays().get(name)[0].length);
        }
        w.write(Integer.toString(f.atoms()));
        w.newLine();
        StringBuilder comment = new StringBuilder("Properties=").append(props);
        for (Map.Entry<String, String> e : f.info().entrySet()) {
            String v = e.getValue();
            comment.append(' ').append(e.getKey()).append('=').append(v.contains(" ") ? "\"" + v + "\"" : v);
        }
        if (!f.info().containsKey("pbc")) {
            comment.append(" pbc=\"F F F\"");
        }
        w.write(comment.toString());
        w.newLine();
        for (int i = 0; i < f.atoms(); i++) {
            StringBuilder s = new StringBuilder(f.species().get(i));
            for (double x : f.positions()[i]) {
                s.append(String.format(Locale.ROOT, " %16.10f", x));
            }
            for (String name : names) {
                for (double x : f.arrays().get(name)[i]) {
                    s.append(String.format(Locale.ROOT, " %16.10f", x));
                }
            }
            w.write(s.toString());
            w.newLine();
        }
    }

    private static String joined(List<Property> props) {
        StringBuilder s = new StringBuilder();
        for (Property p : props) {
            s.append(s.length() == 0 ? "" : " ").append(p);
        }
        return s.toString();
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
