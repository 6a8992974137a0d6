package dev.hotlib.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * What identifies one version of the watched file without reading it. Inode numbers are reused on ext4 and
 * mtime moves in steps of a few milliseconds, so only the three together tell a new file from the old one.
 * Symlinks are followed, so pointing a link at another file is a change too.
 */
public record FileIdentity(Object fileKey, long size, FileTime modified) {

    /** The identity of the regular file at {@code path}, or empty when there is none to read. */
    public static Optional<FileIdentity> of(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new FileIdentity(a.fileKey(), a.size(), a.lastModifiedTime()));
        } catch (IOException missing) {
            return Optional.empty();
        }
    }
}
