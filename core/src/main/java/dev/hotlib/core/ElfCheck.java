package dev.hotlib.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Refuses, before any backend calls dlopen, an ELF file that is cut short. glibc's loader maps the segments
 * the program headers describe, and touching a page past the end of the file kills the JVM with SIGBUS
 * (seen in this repository's fault tests with a library truncated to half its size, in every backend).
 * Everything else that is wrong with a file (random bytes, another architecture, not a library) dlopen
 * refuses by itself, with an error and no crash.
 */
final class ElfCheck {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;

    private ElfCheck() {}

    /** Why {@code file} must not be handed to dlopen, or empty. Only 64-bit little-endian ELF is inspected. */
    static Optional<String> problem(byte[] file) {
        if (file.length < 64 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F'
                || file[4] != 2 /* ELFCLASS64 */ || file[5] != 1 /* little-endian */) {
            return Optional.empty();
        }
        ByteBuffer elf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = elf.getLong(32);
        long shoff = elf.getLong(40);
        int phentsize = Short.toUnsignedInt(elf.getShort(54));
        int phnum = Short.toUnsignedInt(elf.getShort(56));
        int shentsize = Short.toUnsignedInt(elf.getShort(58));
        int shnum = Short.toUnsignedInt(elf.getShort(60));
        long needed = Math.max(phoff + (long) phentsize * phnum, shoff + (long) shentsize * shnum);
        if (phoff < 0 || phoff + (long) phentsize * phnum > file.length) {
            return truncated(file.length, needed);
        }
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            int type = elf.getInt(at);
            long end = elf.getLong(at + 8) + elf.getLong(at + 32); // p_offset + p_filesz
            if ((type == PT_LOAD || type == PT_DYNAMIC) && end > needed) {
                needed = end;
            }
        }
        return needed > file.length ? truncated(file.length, needed) : Optional.empty();
    }

    private static Optional<String> truncated(long size, long needed) {
        return Optional.of("it is cut short: " + size + " bytes where its ELF headers describe " + needed
                + " (still being written, or a broken copy)");
    }
}
