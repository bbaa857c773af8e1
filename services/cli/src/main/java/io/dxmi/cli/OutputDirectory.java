package io.dxmi.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Checks a directory the command will write into before any work starts, so that a run does not fail after
 * hours on a path it could never write; the error names the flag, the path and the reason.
 */
final class OutputDirectory {

    private OutputDirectory() {}

    /**
     * Creates {@code dir} if needed and proves it writable (a probe file is written and removed).
     *
     * @throws UsageError naming {@code flag}, the path and why it cannot be written
     */
    static Path prepare(Path dir, String flag) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".dxmi-write-check", ".tmp");
            Files.delete(probe);
            return dir;
        } catch (IOException | SecurityException e) {
            Path blocker = fileInTheWay(dir);
            String why = blocker != null ? "a file is in the way (" + blocker + " is not a directory)" : reason(e);
            throw new UsageError(flag + " " + dir + " cannot be written: " + why, e);
        }
    }

    /** The nearest existing ancestor of {@code dir} (itself included) when it is not a directory, else null. */
    private static Path fileInTheWay(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? null : p;
            }
        }
        return null;
    }

    /** The parent of a file the command will write, prepared as {@link #prepare} does. */
    static void prepareParentOf(Path file, String flag) {
        if (Files.isDirectory(file)) {
            throw new UsageError(flag + " " + file + " is a directory, not a file");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            try {
                prepare(parent, flag);
            } catch (UsageError e) {
                throw new UsageError(flag + " " + file + " cannot be written: " + reason(e.getCause()), e.getCause());
            }
        }
    }

    /** True when {@code dir} exists and holds anything. */
    static boolean holdsAnything(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** The reason of a file error in words. */
    static String reason(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return "a file is in the way (" + ((FileSystemException) e).getFile() + " is not a directory)";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory (" + n.getFile() + ")";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        if (e instanceof SecurityException) {
            return "not allowed (" + e.getMessage() + ")";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Deletes a file or a directory with everything in it; nothing when it does not exist. */
    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
