package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("results.json");
        AtomicFiles.write(f, "old".getBytes());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains("cannot write " + f + ": No space left on device"), e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("results.json"), names(dir));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void foldersAreReplacedWholeAndLeftoversAreFound(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("egnn");
        AtomicFiles.writeFolder(model, tmp -> Files.writeString(tmp.resolve("a"), "1"));
        AtomicFiles.writeFolder(model, tmp -> Files.writeString(tmp.resolve("b"), "2"));
        assertEquals(List.of("b"), names(model), "the new folder replaced the old one whole");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeFolder(model, tmp -> {
            Files.writeString(tmp.resolve("c"), "3");
            throw new IOException("disk full");
        }));
        assertEquals(List.of("b"), names(model), "a failed write changes nothing");
        assertEquals(List.of("egnn"), names(dir), "and leaves nothing behind");
        // what a killed process leaves: hidden temporary files and folders
        Files.writeString(dir.resolve(".loc.npy.123.tmp"), "x");
        Files.createDirectories(dir.resolve(".egnn.456.tmp"));
        Files.writeString(dir.resolve(".egnn.456.tmp/parameters.params"), "x");
        Files.writeString(dir.resolve(".hidden-but-mine"), "x");
        assertEquals(2, AtomicFiles.leftovers(dir).size());
        assertEquals(2, AtomicFiles.removeLeftovers(dir));
        assertEquals(List.of(".hidden-but-mine", "egnn"), names(dir));
        assertFalse(Files.exists(dir.resolve(".egnn.456.tmp")));
    }
}
